#pragma once
// Shared helpers for the CLI tests: a temp dir and an in-memory fake of the
// object routes (enough of docs/api.md to drive apply, the verbs and events).

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/api.h"
#include "cli/failure.h"

namespace foundry::cli::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "foundry-cli-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& rel, const std::string& text) const {
    std::filesystem::path p = path_ / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

 private:
  std::filesystem::path path_;
};

struct Request {
  std::string method;
  std::string target;
  std::string body;
  Headers headers;
};

// Objects keyed by "<plural>/<name>"; revs from one counter like the server.
class FakeServer final : public Transport {
 public:
  std::vector<Request> requests;
  std::map<std::string, nlohmann::json> objects;
  int64_t seq = 0;
  std::vector<Status> streamResults;       // returned by successive stream() calls
  std::vector<nlohmann::json> streamEvents;  // delivered on the first stream() call
  std::vector<std::string> streamLastIds;  // Last-Event-ID of each stream() call

  Result<client::HttpResponse> request(const std::string& method, const std::string& target,
                                       const std::string& body, const Headers& headers) override {
    requests.push_back({method, target, body, headers});
    return handle(method, target, body, headers);
  }

  Status stream(const std::string&, const std::string& lastEventId,
                const EventCallback& onEvent) override {
    streamLastIds.push_back(lastEventId);
    size_t call = streamLastIds.size() - 1;
    if (call == 0) {
      for (const auto& e : streamEvents) {
        if (!onEvent(e["seq"].dump(), "x", e.dump())) return {};
      }
    }
    return call < streamResults.size() ? streamResults[call] : Status{};
  }

  static client::HttpResponse reply(int status, const nlohmann::json& body) {
    client::HttpResponse r;
    r.status = status;
    r.body = body.dump();
    return r;
  }
  static client::HttpResponse error(int status, const std::string& code, const std::string& msg) {
    return reply(status, {{"error", {{"code", code}, {"message", msg}, {"hint", "a hint"}}}});
  }

 private:
  client::HttpResponse handle(const std::string& method, const std::string& target,
                              const std::string& body, const Headers& headers) {
    std::string path = target.substr(0, target.find('?'));
    const std::string prefix = "/api/v1/";
    if (path.rfind(prefix, 0) != 0) return error(404, "not_found", "no route");
    std::string rest = path.substr(prefix.size());
    size_t slash = rest.find('/');
    std::string plural = rest.substr(0, slash);
    std::string name = slash == std::string::npos ? "" : decode(rest.substr(slash + 1));
    if (method == "GET" && name.empty()) return list(plural);
    if (method == "POST" && name.empty()) {
      nlohmann::json b = nlohmann::json::parse(body);
      return write(plural, b.value("name", "generated"), b, 201, true);
    }
    auto it = objects.find(plural + "/" + name);
    if (it == objects.end()) return error(404, "not_found", plural + "/" + name + " not found");
    auto ifMatch = headers.find("If-Match");
    if (ifMatch != headers.end() && ifMatch->second != "\"" + it->second["rev"].dump() + "\"") {
      return error(412, "precondition_failed", "rev is " + it->second["rev"].dump());
    }
    if (method == "GET") return reply(200, it->second);
    if (method == "PUT") return write(plural, name, nlohmann::json::parse(body), 200, false);
    if (method == "PATCH" && headers.at("Content-Type") == "application/merge-patch+json") {
      nlohmann::json doc{{"name", name}, {"labels", it->second["labels"]}, {"spec", it->second["spec"]}};
      doc.merge_patch(nlohmann::json::parse(body));
      return write(plural, name, doc, 200, false);
    }
    if (method == "DELETE") {
      nlohmann::json last = it->second;
      objects.erase(it);
      return reply(200, last);
    }
    return error(405, "method_not_allowed", method);
  }

  static std::string decode(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 2 < s.size() + 0 && i + 2 <= s.size() - 1) {
        out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        out += s[i];
      }
    }
    return out;
  }

  client::HttpResponse list(const std::string& plural) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& [key, obj] : objects) {
      if (key.rfind(plural + "/", 0) == 0) items.push_back(obj);
    }
    return reply(200, {{"items", items}, {"total", items.size()}, {"limit", 100}, {"offset", 0}});
  }

  client::HttpResponse write(const std::string& plural, const std::string& name,
                             const nlohmann::json& b, int status, bool create) {
    std::string key = plural + "/" + name;
    if (create && objects.count(key)) return error(409, "already_exists", key + " exists");
    nlohmann::json obj{{"kind", plural},
                       {"name", name},
                       {"labels", b.value("labels", nlohmann::json::object())},
                       {"spec", b.value("spec", nlohmann::json::object())},
                       {"rev", ++seq},
                       {"createdAt", "2026-12-03T15:18:22.123Z"},
                       {"updatedAt", "2026-12-03T15:18:22.123Z"}};
    objects[key] = obj;
    return reply(status, obj);
  }
};

}  // namespace foundry::cli::testing
