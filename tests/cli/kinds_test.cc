#include "cli/kinds.h"

#include <gtest/gtest.h>

#include <set>

namespace foundry::cli {
namespace {

TEST(Kinds, SingularPluralAndKindNameResolveToTheSameEntry) {
  for (const char* word : {"machine", "machines", "Machine", "MACHINES"}) {
    auto k = findKind(word);
    ASSERT_TRUE(k) << word;
    EXPECT_EQ((*k)->plural, "machines");
    EXPECT_EQ((*k)->kind, "Machine");
  }
  EXPECT_EQ((*findKind("inventory"))->plural, "inventories");
  EXPECT_EQ((*findKind("switch"))->plural, "switches");
  EXPECT_EQ((*findKind("topologies"))->kind, "Topology");
  EXPECT_EQ((*findKind("qualificationreport"))->plural, "qualificationreports");
}

TEST(Kinds, UnknownKindListsKnownOnes) {
  auto k = findKind("machin");
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(k.error().message.find("machin"), std::string::npos);
  EXPECT_NE(k.error().hint.find("machine"), std::string::npos);
  EXPECT_NE(k.error().hint.find("workflow"), std::string::npos);
}

TEST(Kinds, TableHasTwentyTwoDistinctKinds) {
  std::set<std::string_view> plurals, singulars;
  for (const KindInfo& k : allKinds()) {
    plurals.insert(k.plural);
    singulars.insert(k.singular);
  }
  EXPECT_EQ(plurals.size(), 22u);
  EXPECT_EQ(singulars.size(), 22u);
  EXPECT_TRUE((*findKind("lease"))->readOnly);
  EXPECT_FALSE((*findKind("subnet"))->readOnly);
}

}  // namespace
}  // namespace foundry::cli
