// The OpenAPI 3.0 document, generated from the route table and the kind
// registry that dispatch uses, so the description cannot drift from the
// server.

#include "api/api.h"
#include "api/routes.h"

namespace foundry::api {
namespace {

const char* jsonType(FieldType type) {
  switch (type) {
    case FieldType::kString: return "string";
    case FieldType::kInteger: return "integer";
    case FieldType::kNumber: return "number";
    case FieldType::kBoolean: return "boolean";
    case FieldType::kObject: return "object";
    case FieldType::kArray: return "array";
  }
  return "string";
}

nlohmann::json specSchema(const KindDef& kind) {
  nlohmann::json props = nlohmann::json::object();
  nlohmann::json required = nlohmann::json::array();
  for (const auto& f : kind.fields) {
    if (f.path.find('.') != std::string::npos) continue;  // nested rules describe their parent
    nlohmann::json p{{"type", jsonType(f.type)}, {"description", f.description}};
    if (!f.allowed.empty()) p["enum"] = f.allowed;
    if (f.required) required.push_back(f.path);
    props[f.path] = p;
  }
  nlohmann::json schema{{"type", "object"}, {"properties", props}, {"additionalProperties", true}};
  if (!required.empty()) schema["required"] = required;
  return schema;
}

nlohmann::json objectSchema(const KindDef& kind) {
  return {{"type", "object"},
          {"description", kind.description},
          {"properties",
           {{"kind", {{"type", "string"}, {"enum", {kind.name}}}},
            {"name", {{"type", "string"}}},
            {"labels", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}},
            {"rev", {{"type", "integer"}, {"readOnly", true}}},
            {"createdAt", {{"type", "string"}, {"format", "date-time"}, {"readOnly", true}}},
            {"updatedAt", {{"type", "string"}, {"format", "date-time"}, {"readOnly", true}}},
            {"spec", specSchema(kind)}}}};
}

nlohmann::json errorRef() {
  return {{"description", "error"},
          {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

nlohmann::json operation(const Route& route, const KindDef* kind) {
  nlohmann::json op{{"operationId", kind ? route.operation + kind->name : route.operation},
                    {"summary", kind ? route.summary + " (" + kind->name + ")" : route.summary},
                    {"responses", {{"default", errorRef()}}}};
  if (route.access == Access::kPublic) op["security"] = nlohmann::json::array();
  if (kind != nullptr) {
    op["tags"] = {kind->name};
    nlohmann::json ref{{"$ref", "#/components/schemas/" + kind->name}};
    if (route.operation == "list") {
      op["responses"]["200"] = {
          {"description", "a page of objects"},
          {"content", {{"application/json", {{"schema", {{"type", "object"}, {"properties",
              {{"items", {{"type", "array"}, {"items", ref}}}, {"total", {{"type", "integer"}}},
               {"limit", {{"type", "integer"}}}, {"offset", {{"type", "integer"}}}}}}}}}}}};
    } else if (route.operation != "action") {
      op["responses"][route.operation == "create" ? "201" : "200"] = {
          {"description", kind->name},
          {"content", {{"application/json", {{"schema", ref}}}}}};
    }
    if (route.operation == "create" || route.operation == "replace") {
      op["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", ref}}}}}};
    }
    if (route.operation == "patch") {
      op["requestBody"] = {{"required", true},
                           {"content", {{"application/merge-patch+json", {{"schema", {{"type", "object"}}}}},
                                        {"application/json-patch+json", {{"schema", {{"type", "array"}}}}}}}};
    }
  } else {
    op["responses"]["200"] = {{"description", "success"}};
  }
  return op;
}

}  // namespace

nlohmann::json Api::openApi() const {
  nlohmann::json paths = nlohmann::json::object();
  nlohmann::json schemas = nlohmann::json::object();
  schemas["Error"] = {
      {"type", "object"},
      {"properties",
       {{"error",
         {{"type", "object"},
          {"properties",
           {{"code", {{"type", "string"}}}, {"message", {{"type", "string"}}},
            {"field", {{"type", "string"}}}, {"hint", {{"type", "string"}}}}}}}}}};
  for (const auto& kind : kinds_.all()) schemas[kind.name] = objectSchema(kind);
  for (const auto& route : routes_) {
    std::string method = lower(route.method);
    if (route.pattern.find("{kind}") == std::string::npos) {
      paths[route.pattern][method] = operation(route, nullptr);
      continue;
    }
    for (const auto& kind : kinds_.all()) {
      bool tokenRevoke = kind.name == "Token" && route.operation == "delete";
      if (route.writesKind && kind.readOnly && !tokenRevoke) continue;
      if (route.operation == "action") continue;  // listed per kind once actions exist
      std::string path = route.pattern;
      path.replace(path.find("{kind}"), 6, kind.plural);
      nlohmann::json op = operation(route, &kind);
      if (path.find("{name}") != std::string::npos) {
        op["parameters"] = {{{"name", "name"}, {"in", "path"}, {"required", true},
                             {"schema", {{"type", "string"}}}}};
      }
      paths[path][method] = op;
    }
  }
  return {{"openapi", "3.0.3"},
          {"info", {{"title", "Foundry API"}, {"version", options_.version}}},
          {"paths", paths},
          {"components",
           {{"schemas", schemas},
            {"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}},
          {"security", {{{"bearer", nlohmann::json::array()}}}}};
}

}  // namespace foundry::api
