#pragma once
// The store contract suite's fixture: a fresh store of the backend under test
// per test, in its own temp dir, on a manual clock.

#include <gtest/gtest.h>

#include "store/test_support.h"

namespace foundry::store::testing {

class StoreContractTest : public ::testing::TestWithParam<BackendFactory> {
 protected:
  void SetUp() override {
    auto opened = GetParam().open(dir_.path(), clock_);
    ASSERT_TRUE(opened) << opened.error().describe();
    store_ = std::move(*opened);
  }

  Object mustCreate(const Object& obj) {
    auto created = store_->create(obj, "tester");
    EXPECT_TRUE(created) << created.error().describe();
    return created.value_or(Object{});
  }

  std::vector<std::string> keysOf(const ListQuery& query, const std::string& kind = "Machine") {
    auto result = store_->list(kind, query);
    EXPECT_TRUE(result) << result.error().describe();
    std::vector<std::string> keys;
    if (result) {
      for (const auto& obj : result->items) {
        keys.push_back(obj.key);
      }
    }
    return keys;
  }

  TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<Store> store_;
};

}  // namespace foundry::store::testing
