#include "cli/app.h"

#include <CLI/CLI.hpp>

namespace foundry::cli {
namespace {

// Everything the parser fills in; only one command's fields are used.
struct Parsed {
  GlobalArgs globals;
  ObjectArgs object;
  ApplyArgs apply;
  EventsArgs events;
  bool noFollow = false;
  TokenArgs token;
  AdminArgs admin;
  std::function<Outcome(Context&)> action;
};

using Action = std::function<Outcome(Context&)>;

void onSelect(CLI::App* cmd, Parsed& p, Action action) {
  cmd->callback([&p, action = std::move(action)] { p.action = action; });
}

void addGlobalOptions(CLI::App& app, Parsed& p) {
  ConnectionFlags& c = p.globals.connection;
  app.add_option("-o,--output", p.globals.output, "Output format: table, json or yaml")
      ->check(CLI::IsMember({"table", "json", "yaml"}));
  app.add_option("--endpoint", c.endpoint, "API endpoint (env FOUNDRY_ENDPOINT; default " +
                                               std::string(kDefaultEndpoint) + ")");
  app.add_option("--token", c.token, "Bearer token (env FOUNDRY_TOKEN)");
  app.add_option("--ca-file", c.caFile, "PEM CA to verify the server (env FOUNDRY_CA_FILE)");
  app.add_option("--ca-fingerprint", c.caFingerprint,
                 "sha256:<hex> of the CA certificate (env FOUNDRY_CA_FINGERPRINT)");
  app.add_option("--config", c.config,
                 "Config file (default $XDG_CONFIG_HOME/foundry/config.yaml or "
                 "~/.config/foundry/config.yaml)");
  app.add_option("--data-dir", c.dataDir,
                 "A local server's data dir: reads api.endpoint, admin.token, tls/ca.crt "
                 "(env FOUNDRY_DATA_DIR)");
}

std::string kindExamples(const KindInfo& k) {
  std::string s(k.plural);
  return "Examples:\n  foundry " + s + " list -l labels.rack=r17 -l spec.gpus=ge:8 --sort -updatedAt\n"
         "  foundry " + s + " get NAME -o yaml\n"
         "  foundry " + s + " create -f obj.yaml\n"
         "  foundry " + s + " create NAME --spec '{\"k\":\"v\"}' --label rack=r17\n"
         "  foundry " + s + " replace NAME -f obj.yaml --rev 42\n"
         "  foundry " + s + " patch NAME --merge '{\"labels\":{\"row\":\"b\"}}' --if-match 42\n"
         "  foundry " + s + " delete NAME";
}

void addReadVerbs(CLI::App* kindCmd, const KindInfo& k, Parsed& p) {
  ObjectArgs& o = p.object;
  CLI::App* list = kindCmd->add_subcommand("list", "List objects (filters are ANDed)");
  list->add_option("-l,--filter", o.list.filters, "field=value or field=op:value (repeatable)")
      ->allow_extra_args(false);
  list->add_option("--sort", o.list.sort, "field or -field, comma-separated");
  list->add_option("--limit", o.list.limit, "Page size (server default 100, max 5000)")
      ->check(CLI::NonNegativeNumber);
  list->add_option("--offset", o.list.offset, "Skip this many matches")->check(CLI::NonNegativeNumber);
  list->footer("Ops: eq ne lt le gt ge in re exists. Example: foundry " + std::string(k.plural) +
               " list -l labels.rack=r17 -l 'name=re:^gpu-' --limit 10");
  onSelect(list, p, [&p, &k](Context& c) { return listObjects(c, k, p.object); });

  CLI::App* get = kindCmd->add_subcommand("get", "Show one object");
  get->add_option("name", o.name, "Object name")->required();
  get->footer("Example: foundry " + std::string(k.singular) + " get NAME -o json");
  onSelect(get, p, [&p, &k](Context& c) { return getObject(c, k, p.object); });

  CLI::App* del = kindCmd->add_subcommand("delete", "Delete an object");
  del->add_option("name", o.name, "Object name")->required();
  del->add_option("--if-match", o.ifMatch, "Only if the object's rev is still REV");
  del->footer("Example: foundry " + std::string(k.singular) + " delete NAME --if-match 42");
  onSelect(del, p, [&p, &k](Context& c) { return deleteObject(c, k, p.object); });
}

void addWriteVerbs(CLI::App* kindCmd, const KindInfo& k, Parsed& p) {
  ObjectArgs& o = p.object;
  CLI::App* replace = kindCmd->add_subcommand("replace", "Replace labels and spec from a file");
  replace->add_option("name", o.name, "Object name")->required();
  replace->add_option("-f,--file", o.file, "YAML or JSON file, - for stdin")->required();
  replace->add_option("--rev", o.rev, "Only if the object's rev is still REV (default: the file's rev)");
  replace->footer("Example: foundry " + std::string(k.singular) + " get NAME -o yaml > o.yaml; "
                  "edit; foundry " + std::string(k.singular) + " replace NAME -f o.yaml");
  onSelect(replace, p, [&p, &k](Context& c) { return replaceObject(c, k, p.object); });

  CLI::App* patch = kindCmd->add_subcommand("patch", "Patch {name, labels, spec}");
  patch->add_option("name", o.name, "Object name")->required();
  patch->add_option("--merge", o.merge, "RFC 7396 merge patch (JSON object)");
  patch->add_option("--json-patch", o.jsonPatch, "RFC 6902 JSON patch (JSON array)");
  patch->add_option("--if-match", o.ifMatch, "Only if the object's rev is still REV");
  patch->footer("Examples:\n  foundry " + std::string(k.singular) +
                " patch NAME --merge '{\"labels\":{\"rack\":\"r18\"}}'\n  foundry " +
                std::string(k.singular) +
                " patch NAME --json-patch '[{\"op\":\"remove\",\"path\":\"/labels/rack\"}]'");
  onSelect(patch, p, [&p, &k](Context& c) { return patchObject(c, k, p.object); });
}

void addCreateVerb(CLI::App* kindCmd, const KindInfo& k, Parsed& p) {
  ObjectArgs& o = p.object;
  CLI::App* create = kindCmd->add_subcommand("create", "Create objects from a file or flags");
  create->add_option("name", o.name, "Object name (omit for UUID-keyed kinds)");
  create->add_option("-f,--file", o.file, "YAML or JSON file (multi-document), - for stdin");
  create->add_option("--spec", o.spec, "Spec as a JSON object");
  create->add_option("--label", o.labels, "key=value (repeatable)")->allow_extra_args(false);
  create->footer("Examples:\n  foundry " + std::string(k.singular) + " create -f obj.yaml\n  foundry " +
                 std::string(k.singular) + " create NAME --spec '{\"arch\":\"x86_64\"}' --label rack=r17");
  onSelect(create, p, [&p, &k](Context& c) { return createObject(c, k, p.object); });
}

void addTokenCreate(CLI::App* kindCmd, Parsed& p) {
  CLI::App* create = kindCmd->add_subcommand("create", "Create an API token (shown once)");
  create->add_option("--ttl", p.token.ttl, "Lifetime, e.g. 24h, 30m, 7d")->capture_default_str();
  create->add_option("--role", p.token.role, "admin or viewer")->capture_default_str()
      ->check(CLI::IsMember({"admin", "viewer"}));
  create->add_option("--description", p.token.description, "Free text");
  create->footer("Example: foundry token create --ttl 1h --role viewer --description ci -o json");
  onSelect(create, p, [&p](Context& c) { return tokenCreateCommand(c, p.token); });
}

void addKindCommands(CLI::App& app, Parsed& p) {
  for (const KindInfo& k : allKinds()) {
    std::string about = "Manage " + std::string(k.kind) + " objects" +
                        (k.readOnly ? " (read-only: written by the server)" : "");
    CLI::App* cmd = app.add_subcommand(std::string(k.plural), about);
    cmd->alias(std::string(k.singular));
    cmd->require_subcommand(1);
    cmd->footer(kindExamples(k));
    addReadVerbs(cmd, k, p);
    if (k.plural == "tokens") {
      addTokenCreate(cmd, p);
      continue;
    }
    addCreateVerb(cmd, k, p);
    addWriteVerbs(cmd, k, p);
  }
}


void addApplyAndEvents(CLI::App& app, Parsed& p) {
  CLI::App* apply = app.add_subcommand("apply", "Create or update objects to match files");
  apply->add_option("-f,--file", p.apply.files, "File or directory (recursive); - for stdin")
      ->required()->allow_extra_args(false);
  apply->add_flag("--dry-run", p.apply.dryRun, "Read and compare; write nothing");
  apply->footer("Documents are {kind, name, labels, spec}; YAML files may hold several (---).\n"
                "Examples:\n  foundry apply -f machines.yaml\n  foundry apply -f site/ --dry-run");
  onSelect(apply, p, [&p](Context& c) { return applyCommand(c, p.apply); });

  CLI::App* events = app.add_subcommand("events", "Print the change feed (follows by default)");
  events->add_option("--kind", p.events.kinds, "Kinds, comma-separated (e.g. Machine,Subnet)");
  events->add_option("--action", p.events.actions, "created, updated, deleted (comma-separated)");
  events->add_option("--key", p.events.keys, "Object keys, comma-separated");
  events->add_option("--after", p.events.after, "Start after this seq")->check(CLI::NonNegativeNumber);
  events->add_option("--limit", p.events.limit, "With --no-follow: at most this many")
      ->check(CLI::NonNegativeNumber);
  events->add_flag("--no-follow", p.noFollow, "Print what is there and exit");
  events->footer("Examples:\n  foundry events --kind Machine --action updated\n"
                 "  foundry events --no-follow --after 0 -o json");
  onSelect(events, p, [&p](Context& c) {
    p.events.follow = !p.noFollow;
    return eventsCommand(c, p.events);
  });
}

void addInfoAndAdmin(CLI::App& app, Parsed& p) {
  CLI::App* info = app.add_subcommand("info", "Show the server's version and services");
  info->footer("Example: foundry info -o json");
  onSelect(info, p, [](Context& c) { return infoCommand(c); });

  CLI::App* admin = app.add_subcommand("admin", "Backup and restore");
  admin->require_subcommand(1);
  CLI::App* backup = admin->add_subcommand("backup", "Download a consistent copy of the store");
  backup->add_option("-o,--output", p.admin.outputFile, "File to write (atomically)")->required();
  backup->footer("Example: foundry admin backup -o foundry-$(date +%F).db");
  onSelect(backup, p, [&p](Context& c) { return backupCommand(c, p.admin); });

  CLI::App* restore = admin->add_subcommand("restore", "Offline: replace a stopped server's store");
  restore->add_option("file", p.admin.backupFile, "Backup file")->required();
  restore->footer("Needs --data-dir DIR (or FOUNDRY_DATA_DIR); refuses while foundryd runs.\n"
                  "Example: foundry admin restore foundry-2026-12-03.db --data-dir /var/lib/foundry");
  onSelect(restore, p, [&p](Context& c) {
    p.admin.dataDir = p.globals.connection.dataDir;
    return restoreCommand(c, p.admin);
  });
}

// Words left over that CLI11 did not place: an unknown kind or option.
Outcome checkLeftovers(const CLI::App& app) {
  std::vector<std::string> rest = app.remaining(true);
  if (rest.empty()) return {};
  if (app.get_subcommands().empty() && rest[0].rfind('-', 0) != 0) {
    return usageFailure("unknown command or kind '" + rest[0] + "'",
                        "commands: apply, events, info, admin, token; kinds: " + knownKindsList());
  }
  std::string words;
  for (const std::string& w : rest) words += (words.empty() ? "" : " ") + w;
  return usageFailure("unexpected argument(s): " + words, "see --help");
}

}  // namespace

int runCli(int argc, const char* const* argv, CliIo& io) {
  Parsed p;
  CLI::App app("foundry: command-line client for the Foundry provisioning server", "foundry");
  app.fallthrough();
  app.footer("Settings: flags > FOUNDRY_* env > config file > --data-dir > defaults.\n"
             "Examples:\n  foundry machines list -l labels.rack=r17\n  foundry apply -f site/\n"
             "  foundry events --kind Machine");
  addGlobalOptions(app, p);
  addKindCommands(app, p);
  addApplyAndEvents(app, p);
  addInfoAndAdmin(app, p);
  app.allow_extras();
  app.require_subcommand(0, 1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, io.out, io.err);
  } catch (const CLI::ParseError& e) {
    io.err << errorLine(Error{ErrorCode::kInvalidArgument, e.what(), {}, "see --help"}) << "\n";
    return kExitUsage;
  }
  Outcome done = checkLeftovers(app);
  if (done && !p.action) {
    io.err << app.help();
    return kExitUsage;
  }
  if (done) {
    Context ctx(io, p.globals);
    done = p.action(ctx);
  }
  if (!done) {
    io.err << errorLine(done.error().error) << "\n";
    return done.error().exitCode;
  }
  return kExitOk;
}

}  // namespace foundry::cli
