// The object verbs: list, get, create, replace, patch, delete.
#include "cli/commands.h"

#include <utility>

#include "cli/documents.h"

namespace foundry::cli {
namespace {

using nlohmann::json;

std::optional<int64_t> optionalRev(int64_t value) {
  return value >= 0 ? std::optional<int64_t>(value) : std::nullopt;
}

std::string refOf(const KindInfo& kind, const json& obj, const std::string& fallbackName) {
  std::string name = obj.is_object() ? obj.value("name", fallbackName) : fallbackName;
  return std::string(kind.kind) + "/" + name;
}

std::string writeLine(const char* verb, const KindInfo& kind, const json& obj,
                      const std::string& name) {
  std::string line = std::string(verb) + " " + refOf(kind, obj, name);
  if (obj.is_object() && obj.contains("rev")) line += " (rev " + obj["rev"].dump() + ")";
  return line + "\n";
}

Result<json> parseJsonArg(const std::string& flag, const std::string& text, json::value_t want) {
  json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded() || value.type() != want) {
    const char* shape = want == json::value_t::array ? "a JSON array" : "a JSON object";
    return fail(ErrorCode::kInvalidArgument, flag + " must be " + shape, "",
                want == json::value_t::array ? R"(e.g. '[{"op":"replace","path":"/spec/x","value":1}]')"
                : flag == "--merge"          ? R"(e.g. '{"labels":{"rack":"r17"},"spec":{"arch":"x86_64"}}')"
                                             : R"(e.g. '{"arch":"x86_64"}')");
  }
  return value;
}

Result<json> labelsFromArgs(const std::vector<std::string>& labels) {
  json out = json::object();
  for (const std::string& kv : labels) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return fail(ErrorCode::kInvalidArgument, "bad label '" + kv + "'", "", "write --label key=value");
    }
    out[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return out;
}

// Loads -f FILE and checks each document's kind against the command's kind.
Result<std::vector<ObjectDoc>> loadKindDocs(Context& ctx, const KindInfo& kind,
                                            const std::string& file) {
  Result<std::vector<Document>> docs = loadDocuments(file, ctx.io().in);
  if (!docs) return tl::unexpected(docs.error());
  std::vector<ObjectDoc> out;
  for (const Document& doc : *docs) {
    Result<ObjectDoc> obj = toObjectDoc(doc);
    if (!obj) return tl::unexpected(obj.error());
    if (!obj->kind.empty()) {
      Result<const KindInfo*> docKind = findKind(obj->kind);
      if (!docKind || *docKind != &kind) {
        return fail(ErrorCode::kInvalidArgument,
                    doc.source + ": kind '" + obj->kind + "' is not " + std::string(kind.kind), "kind",
                    "use 'foundry apply -f' for files with several kinds");
      }
    }
    out.push_back(std::move(*obj));
  }
  if (out.empty()) return fail(ErrorCode::kInvalidArgument, file + " holds no documents");
  return out;
}

// Shared tail of every write: print the result or fail.
Outcome finishWrite(Context& ctx, OutputFormat format, const char* verb, const KindInfo& kind,
                    const std::string& name, const Result<json>& reply) {
  if (!reply) return apiFailure(reply.error());
  printValue(ctx, format, *reply, writeLine(verb, kind, *reply, name));
  return {};
}

Result<json> createBodyFromFlags(const ObjectArgs& args) {
  json body = json::object();
  if (!args.name.empty()) body["name"] = args.name;
  Result<json> labels = labelsFromArgs(args.labels);
  if (!labels) return labels;
  body["labels"] = *labels;
  body["spec"] = json::object();
  if (!args.spec.empty()) {
    Result<json> spec = parseJsonArg("--spec", args.spec, json::value_t::object);
    if (!spec) return spec;
    body["spec"] = *spec;
  }
  return body;
}

}  // namespace

tl::expected<ApiClient*, Failure> Context::api() {
  if (api_) return api_.get();
  Result<Settings> settings = resolveSettings(globals_.connection, io_.env);
  if (!settings) return usageFailure(settings.error());
  transport_ = io_.connect(*settings);
  api_ = std::make_unique<ApiClient>(*transport_);
  return api_.get();
}

void printValue(Context& ctx, OutputFormat format, const json& value, const std::string& tableText) {
  switch (format) {
    case OutputFormat::kJson: ctx.io().out << renderJson(value); break;
    case OutputFormat::kYaml: ctx.io().out << renderYaml(value); break;
    case OutputFormat::kTable: ctx.io().out << tableText; break;
  }
  ctx.io().out.flush();
}

Outcome listObjects(Context& ctx, const KindInfo& kind, const ObjectArgs& args) {
  Result<OutputFormat> format = ctx.format();
  if (!format) return usageFailure(format.error());
  Result<QueryParams> query = listQuery(args.list);
  if (!query) return usageFailure(query.error());
  auto api = ctx.api();
  if (!api) return tl::unexpected(api.error());
  Result<json> reply = (*api)->list(kind, *query);
  if (!reply) return apiFailure(reply.error());
  const json items = reply->value("items", json::array());
  std::string table = renderObjectTable(items, ctx.io().nowMs());
  table += std::to_string(items.size()) + " shown, " + reply->value("total", json(0)).dump() +
           " total\n";
  printValue(ctx, *format, *reply, table);
  return {};
}

Outcome getObject(Context& ctx, const KindInfo& kind, const ObjectArgs& args) {
  Result<OutputFormat> format = ctx.format();
  if (!format) return usageFailure(format.error());
  auto api = ctx.api();
  if (!api) return tl::unexpected(api.error());
  Result<json> reply = (*api)->get(kind, args.name);
  if (!reply) return apiFailure(reply.error());
  printValue(ctx, *format, *reply, renderObjectTable(json::array({*reply}), ctx.io().nowMs()));
  return {};
}

Outcome createObject(Context& ctx, const KindInfo& kind, const ObjectArgs& args) {
  Result<OutputFormat> format = ctx.format();
  if (!format) return usageFailure(format.error());
  std::vector<json> bodies;
  if (!args.file.empty()) {
    if (!args.spec.empty() || !args.labels.empty()) {
      return usageFailure("-f cannot be combined with --spec or --label");
    }
    Result<std::vector<ObjectDoc>> docs = loadKindDocs(ctx, kind, args.file);
    if (!docs) return usageFailure(docs.error());
    if (!args.name.empty()) {
      ObjectDoc& only = (*docs)[0];
      if (docs->size() != 1 || (!only.name.empty() && only.name != args.name)) {
        return usageFailure("NAME '" + args.name + "' does not match " + args.file,
                            "omit NAME when the file names its objects");
      }
      only.name = args.name;
    }
    for (const ObjectDoc& doc : *docs) bodies.push_back(objectBody(doc));
  } else {
    Result<json> body = createBodyFromFlags(args);
    if (!body) return usageFailure(body.error());
    bodies.push_back(std::move(*body));
  }
  auto api = ctx.api();
  if (!api) return tl::unexpected(api.error());
  for (const json& body : bodies) {
    Outcome done = finishWrite(ctx, *format, "created", kind, body.value("name", ""),
                               (*api)->create(kind, body));
    if (!done) return done;
  }
  return {};
}

Outcome replaceObject(Context& ctx, const KindInfo& kind, const ObjectArgs& args) {
  Result<OutputFormat> format = ctx.format();
  if (!format) return usageFailure(format.error());
  Result<std::vector<ObjectDoc>> docs = loadKindDocs(ctx, kind, args.file);
  if (!docs) return usageFailure(docs.error());
  if (docs->size() != 1) return usageFailure("replace takes exactly one document");
  ObjectDoc& doc = (*docs)[0];
  if (!doc.name.empty() && doc.name != args.name) {
    return usageFailure("name in " + doc.source + " is '" + doc.name + "', not '" + args.name + "'");
  }
  doc.name = args.name;
  std::optional<int64_t> ifMatch = args.rev >= 0 ? optionalRev(args.rev) : doc.rev;
  auto api = ctx.api();
  if (!api) return tl::unexpected(api.error());
  return finishWrite(ctx, *format, "replaced", kind, args.name,
                     (*api)->replace(kind, args.name, objectBody(doc), ifMatch));
}

Outcome patchObject(Context& ctx, const KindInfo& kind, const ObjectArgs& args) {
  Result<OutputFormat> format = ctx.format();
  if (!format) return usageFailure(format.error());
  if (args.merge.empty() == args.jsonPatch.empty()) {
    return usageFailure("give exactly one of --merge and --json-patch");
  }
  bool merge = !args.merge.empty();
  Result<json> body = merge ? parseJsonArg("--merge", args.merge, json::value_t::object)
                            : parseJsonArg("--json-patch", args.jsonPatch, json::value_t::array);
  if (!body) return usageFailure(body.error());
  auto api = ctx.api();
  if (!api) return tl::unexpected(api.error());
  const char* type = merge ? "application/merge-patch+json" : "application/json-patch+json";
  return finishWrite(ctx, *format, "patched", kind, args.name,
                     (*api)->patch(kind, args.name, *body, type, optionalRev(args.ifMatch)));
}

Outcome deleteObject(Context& ctx, const KindInfo& kind, const ObjectArgs& args) {
  Result<OutputFormat> format = ctx.format();
  if (!format) return usageFailure(format.error());
  auto api = ctx.api();
  if (!api) return tl::unexpected(api.error());
  Result<json> reply = (*api)->remove(kind, args.name, optionalRev(args.ifMatch));
  if (!reply) return apiFailure(reply.error());
  printValue(ctx, *format, *reply, "deleted " + refOf(kind, *reply, args.name) + "\n");
  return {};
}

}  // namespace foundry::cli
