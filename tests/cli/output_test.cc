#include "cli/output.h"

#include <gtest/gtest.h>

#include <yaml-cpp/yaml.h>

#include "cli/documents.h"

namespace foundry::cli {
namespace {

using nlohmann::json;

TEST(Output, TableColumnsArePaddedToTheWidestCell) {
  std::string t = renderTable({{"NAME", "REV"}, {"gpu-r17-u05", "1042"}, {"a", "7"}});
  EXPECT_EQ(t,
            "NAME         REV\n"
            "gpu-r17-u05  1042\n"
            "a            7\n");
}

TEST(Output, ObjectTableShowsNameLabelsRevAge) {
  json items = json::parse(R"([
    {"name":"m1","labels":{"rack":"r17","row":"b"},"rev":12,"updatedAt":"2026-12-03T15:00:00.000Z"},
    {"name":"machine-two","labels":{},"rev":3,"updatedAt":"2026-12-01T15:00:00Z"}])");
  int64_t now = *parseTimestamp("2026-12-03T15:05:00Z");
  std::string t = renderObjectTable(items, now);
  EXPECT_EQ(t,
            "NAME         LABELS          REV  AGE\n"
            "m1           rack=r17,row=b  12   5m\n"
            "machine-two  <none>          3    2d\n");
}

TEST(Output, LabelsAreCut) {
  json labels{{"a", "1234567890"}, {"b", "1234567890"}};
  EXPECT_EQ(labelsText(labels, 100), "a=1234567890,b=1234567890");
  EXPECT_EQ(labelsText(labels, 10), "a=12345...");
}

TEST(Output, TimestampsAndAges) {
  EXPECT_EQ(*parseTimestamp("1970-01-01T00:00:01.5Z"), 1500);
  EXPECT_EQ(*parseTimestamp("2000-03-01T00:00:00+00:00"), 951868800000);
  EXPECT_FALSE(parseTimestamp("2000-03-01T00:00:00+02:00"));
  EXPECT_FALSE(parseTimestamp("yesterday"));
  EXPECT_FALSE(parseTimestamp("2000-02-30T00:00:00Z"));
  EXPECT_EQ(formatAge(42'000), "42s");
  EXPECT_EQ(formatAge(7 * 60'000), "7m");
  EXPECT_EQ(formatAge(3 * 3'600'000), "3h");
  EXPECT_EQ(formatAge(int64_t{12} * 86'400'000), "12d");
  EXPECT_EQ(formatAge(-5), "-");
}

TEST(Output, YamlRoundTripsTypes) {
  json v = json::parse(R"({"name":"m1","labels":{"rack":"17","on":"yes","empty":""},
      "spec":{"gpus":8,"ratio":0.5,"ok":true,"none":null,"tags":["a","true"],"obj":{},
      "script":"#!/bin/sh\necho hi\n","two":"a\nb"}})");
  std::string text = renderYaml(v);
  json back = yamlToJson(YAML::Load(text));
  EXPECT_EQ(back, v) << text;
}

TEST(Output, JsonIsPretty) { EXPECT_EQ(renderJson(json{{"a", 1}}), "{\n  \"a\": 1\n}\n"); }

TEST(Output, FormatNames) {
  EXPECT_EQ(*parseOutputFormat("yaml"), OutputFormat::kYaml);
  EXPECT_FALSE(parseOutputFormat("xml"));
}

TEST(Output, EventLine) {
  json e = json::parse(R"({"seq":1043,"time":"2026-12-03T15:20:01.007Z","kind":"Machine",
      "action":"updated","key":"gpu-r17-u05","principal":"admin","object":{}})");
  EXPECT_EQ(eventLine(e), "1043  2026-12-03T15:20:01.007Z  Machine/gpu-r17-u05  updated  admin");
}

}  // namespace
}  // namespace foundry::cli
