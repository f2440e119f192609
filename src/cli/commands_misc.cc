// apply, events, token create, info and admin backup/restore.
#include <string>
#include <utility>

#include "cli/admin.h"
#include "cli/apply.h"
#include "cli/commands.h"
#include "cli/documents.h"

namespace foundry::cli {
namespace {

using nlohmann::json;

std::string keyValueLines(const json& obj) {
  if (!obj.is_object()) return obj.dump() + "\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& [key, value] : obj.items()) {
    rows.push_back({key + ":", value.is_string() ? value.get<std::string>() : value.dump()});
  }
  return renderTable(rows);
}

}  // namespace

Outcome applyCommand(Context& ctx, const ApplyArgs& args) {
  std::vector<Document> docs;
  for (const std::string& file : args.files) {
    Result<std::vector<Document>> loaded = loadDocuments(file, ctx.io().in);
    if (!loaded) return usageFailure(loaded.error());
    std::move(loaded->begin(), loaded->end(), std::back_inserter(docs));
  }
  Result<std::vector<ApplyItem>> items = planApply(docs);
  if (!items) return usageFailure(items.error());
  auto api = ctx.api();
  if (!api) return tl::unexpected(api.error());
  ApplyCounts counts = runApply(**api, *items, args.dryRun, ctx.io().out);
  ctx.io().out.flush();
  if (counts.failed > 0) {
    return apiFailure(Error{ErrorCode::kInvalidArgument,
                            std::to_string(counts.failed) + " of " + std::to_string(items->size()) +
                                " objects failed to apply",
                            {}, "see the 'failed' lines above"});
  }
  return {};
}

Outcome eventsCommand(Context& ctx, const EventsArgs& args) {
  Result<OutputFormat> format = ctx.format();
  if (!format) return usageFailure(format.error());
  if (*format == OutputFormat::kYaml) return usageFailure("events support -o table or -o json");
  auto api = ctx.api();
  if (!api) return tl::unexpected(api.error());
  std::ostream& out = ctx.io().out;
  bool asJson = *format == OutputFormat::kJson;
  EventPrinter print = [&out, asJson](const json& event) {
    out << (asJson ? event.dump() : eventLine(event)) << "\n";
    out.flush();
  };
  Status status = args.follow
                      ? followEvents((*api)->transport(), args, print, ctx.io().sleep, ctx.io().err)
                      : listEvents(**api, args, print);
  if (!status) return apiFailure(status.error());
  return {};
}

Outcome tokenCreateCommand(Context& ctx, const TokenArgs& args) {
  Result<OutputFormat> format = ctx.format();
  if (!format) return usageFailure(format.error());
  if (args.role != "admin" && args.role != "viewer") {
    return usageFailure("--role must be admin or viewer");
  }
  json body{{"ttl", args.ttl}, {"role", args.role}};
  if (!args.description.empty()) body["description"] = args.description;
  auto api = ctx.api();
  if (!api) return tl::unexpected(api.error());
  Result<json> reply = (*api)->call("POST", "/api/v1/tokens", body);
  if (!reply) return apiFailure(reply.error());
  std::string table = keyValueLines(*reply) + "(the token is shown only this once)\n";
  printValue(ctx, *format, *reply, table);
  return {};
}

Outcome infoCommand(Context& ctx) {
  Result<OutputFormat> format = ctx.format();
  if (!format) return usageFailure(format.error());
  auto api = ctx.api();
  if (!api) return tl::unexpected(api.error());
  Result<json> reply = (*api)->call("GET", "/api/v1/info");
  if (!reply) return apiFailure(reply.error());
  printValue(ctx, *format, *reply, keyValueLines(*reply));
  return {};
}

Outcome backupCommand(Context& ctx, const AdminArgs& args) {
  if (args.outputFile.empty()) return usageFailure("-o FILE is required", "e.g. foundry admin backup -o foundry.db.bak");
  auto api = ctx.api();
  if (!api) return tl::unexpected(api.error());
  Result<std::string> bytes = (*api)->callRaw("POST", "/api/v1/admin/backup");
  if (!bytes) return apiFailure(bytes.error());
  if (!hasSqliteHeader(*bytes)) {
    return apiFailure(Error{ErrorCode::kInternal, "the server's backup is not a SQLite database", {}, {}});
  }
  if (Status written = writeFileAtomically(args.outputFile, *bytes); !written) {
    return apiFailure(written.error());
  }
  ctx.io().out << "wrote " << bytes->size() << " bytes to " << args.outputFile << "\n";
  return {};
}

Outcome restoreCommand(Context& ctx, const AdminArgs& args) {
  std::string dataDir = args.dataDir;
  if (dataDir.empty()) dataDir = ctx.io().env("FOUNDRY_DATA_DIR").value_or("");
  if (dataDir.empty()) {
    return usageFailure("restore needs --data-dir DIR", "the data dir of the stopped foundryd");
  }
  Status restored = restoreBackup(args.backupFile, dataDir);
  if (!restored) {
    if (restored.error().code == ErrorCode::kInvalidArgument) return usageFailure(restored.error());
    return apiFailure(restored.error());
  }
  ctx.io().out << "restored " << args.backupFile << " into " << dataDir << "/foundry.db\n";
  return {};
}

}  // namespace foundry::cli
