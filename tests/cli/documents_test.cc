#include "cli/documents.h"

#include <gtest/gtest.h>

#include <sstream>

#include <yaml-cpp/yaml.h>

#include "test_support.h"

namespace foundry::cli {
namespace {

using nlohmann::json;
using testing::TempDir;

TEST(Documents, YamlScalarsAreTypedLikeJson) {
  json j = yamlToJson(YAML::Load(
      "a: 8\nb: \"8\"\nc: true\nd: 'false'\ne: 1.5\nf: null\ng: ~\nh: r17\ni: [1, x]\nj: -3\nk: 1e3\n"));
  EXPECT_EQ(j["a"], 8);
  EXPECT_EQ(j["b"], "8");
  EXPECT_EQ(j["c"], true);
  EXPECT_EQ(j["d"], "false");
  EXPECT_EQ(j["e"], 1.5);
  EXPECT_TRUE(j["f"].is_null());
  EXPECT_TRUE(j["g"].is_null());
  EXPECT_EQ(j["h"], "r17");
  EXPECT_EQ(j["i"], json::array({1, "x"}));
  EXPECT_EQ(j["j"], -3);
  EXPECT_EQ(j["k"], 1000.0);
}

TEST(Documents, MultiDocumentYamlSkipsEmptyDocuments) {
  auto docs = parseDocuments("kind: Machine\nname: a\n---\n---\nkind: Subnet\nname: b\n", "f.yaml");
  ASSERT_TRUE(docs);
  ASSERT_EQ(docs->size(), 2u);
  EXPECT_EQ((*docs)[0].body["name"], "a");
  EXPECT_EQ((*docs)[1].body["kind"], "Subnet");
  EXPECT_EQ((*docs)[0].source, "f.yaml#1");
}

TEST(Documents, JsonObjectAndArray) {
  auto one = parseDocuments(R"({"kind":"Machine","name":"a","spec":{"gpus":8}})", "a.json");
  ASSERT_TRUE(one);
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].body["spec"]["gpus"], 8);
  auto many = parseDocuments(R"([{"name":"a"},{"name":"b"}])", "b.json");
  ASSERT_TRUE(many);
  EXPECT_EQ(many->size(), 2u);
  EXPECT_FALSE(parseDocuments("{bad json", "c.json"));
  EXPECT_FALSE(parseDocuments("a: [unclosed", "c.yaml"));
}

TEST(Documents, DirectoriesAreWalkedRecursivelyInSortedOrder) {
  TempDir dir;
  dir.file("site/b.yaml", "kind: Machine\nname: b\n");
  dir.file("site/a.json", R"({"kind":"Machine","name":"a"})");
  dir.file("site/sub/c.yml", "kind: Machine\nname: c\n---\nkind: Machine\nname: d\n");
  dir.file("site/README.md", "not yaml");
  std::istringstream in;
  auto docs = loadDocuments((dir.path() / "site").string(), in);
  ASSERT_TRUE(docs) << docs.error().message;
  ASSERT_EQ(docs->size(), 4u);
  EXPECT_EQ((*docs)[0].body["name"], "a");
  EXPECT_EQ((*docs)[1].body["name"], "b");
  EXPECT_EQ((*docs)[2].body["name"], "c");
  EXPECT_EQ((*docs)[3].body["name"], "d");
}

TEST(Documents, StdinAndMissingFiles) {
  std::istringstream in("kind: Subnet\nname: s1\n");
  auto docs = loadDocuments("-", in);
  ASSERT_TRUE(docs);
  ASSERT_EQ(docs->size(), 1u);
  EXPECT_EQ((*docs)[0].source, "<stdin>");
  EXPECT_FALSE(loadDocuments("/nonexistent/foundry.yaml", in));
}

TEST(Documents, ObjectShapeIsChecked) {
  auto ok = toObjectDoc({"x", json::parse(R"({"kind":"Machine","name":"m1","labels":{"rack":17,
      "gpu":true},"spec":{"a":1},"rev":5,"createdAt":"t","updatedAt":"t"})")});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->labels, json({{"rack", "17"}, {"gpu", "true"}}));
  EXPECT_EQ(ok->rev, 5);
  EXPECT_EQ(objectBody(*ok), json::parse(R"({"name":"m1","labels":{"rack":"17","gpu":"true"},"spec":{"a":1}})"));

  EXPECT_FALSE(toObjectDoc({"x", json::array()}));
  EXPECT_FALSE(toObjectDoc({"x", json{{"name", 3}}}));
  EXPECT_FALSE(toObjectDoc({"x", json{{"labels", json::array()}}}));
  EXPECT_FALSE(toObjectDoc({"x", json{{"labels", {{"a", {{"b", 1}}}}}}}));
  auto typo = toObjectDoc({"x", json{{"spce", json::object()}}});
  ASSERT_FALSE(typo);
  EXPECT_EQ(typo.error().field, "spce");
}

}  // namespace
}  // namespace foundry::cli
