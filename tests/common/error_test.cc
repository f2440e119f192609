#include "common/error.h"

#include <gtest/gtest.h>

namespace foundry {
namespace {

TEST(Error, CodesMapToStableNamesAndHttpStatuses) {
  EXPECT_EQ(errorCodeName(ErrorCode::kPreconditionFailed), "precondition_failed");
  EXPECT_EQ(httpStatus(ErrorCode::kPreconditionFailed), 412);
  EXPECT_EQ(httpStatus(ErrorCode::kUnauthenticated), 401);
  EXPECT_EQ(httpStatus(ErrorCode::kReadOnly), 405);
}

TEST(Error, DescribeIncludesFieldAndHint) {
  Error e{ErrorCode::kInvalidArgument, "bad arch", "spec.arch", "use x86_64 or arm64"};
  EXPECT_EQ(e.describe(), "bad arch (field: spec.arch) — use x86_64 or arm64");
}

}  // namespace
}  // namespace foundry
