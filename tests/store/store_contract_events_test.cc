// Contract tests, continued: the event log (order, gap-free sequence,
// retention) and concurrent writers.
#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <gmock/gmock.h>

#include "store/contract_fixture.h"

namespace foundry::store::testing {
namespace {

EventQuery eventQuery(int64_t afterSeq, std::vector<std::string> kinds = {},
                      std::vector<std::string> actions = {}, std::vector<std::string> keys = {}) {
  EventQuery query;
  query.afterSeq = afterSeq;
  query.kinds = std::move(kinds);
  query.actions = std::move(actions);
  query.keys = std::move(keys);
  return query;
}

std::vector<Event> allEvents(Store& store, EventQuery query = {}) {
  query.limit = 1'000'000;
  auto events = store.events(query);
  EXPECT_TRUE(events) << events.error().describe();
  return events.value_or(std::vector<Event>{});
}

TEST_P(StoreContractTest, EventsRecordEveryChangeInOrder) {
  mustCreate(makeObject("Machine", "m1", {}, {{"v", 1}}));
  mustCreate(makeObject("Subnet", "s1"));
  ASSERT_TRUE(store_->update(makeObject("Machine", "m1", {}, {{"v", 2}}), 1, "alice"));
  ASSERT_TRUE(store_->remove("Subnet", "s1", std::nullopt, "bob"));
  auto events = allEvents(*store_);
  ASSERT_EQ(events.size(), 4u);
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ(events[i].timeMs, clock_.nowMs());
  }
  EXPECT_EQ(events[2].action, Action::kUpdated);
  EXPECT_EQ(events[2].principal, "alice");
  EXPECT_EQ(events[2].object.rev, 3);
  EXPECT_EQ(events[2].object.spec["v"], 2);
  EXPECT_EQ(events[3].action, Action::kDeleted);
  EXPECT_EQ(events[3].key, "s1");
  EXPECT_EQ(events[3].object.kind, "Subnet");

  EXPECT_EQ(allEvents(*store_, eventQuery(2)).size(), 2u);
  EXPECT_EQ(allEvents(*store_, eventQuery(0, {"Machine"})).size(), 2u);
  EXPECT_EQ(allEvents(*store_, eventQuery(0, {}, {"deleted"})).front().seq, 4);
  EXPECT_EQ(allEvents(*store_, eventQuery(0, {}, {}, {"s1"})).size(), 2u);
  EventQuery firstThree;
  firstThree.limit = 3;
  auto limited = store_->events(firstThree);
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->size(), 3u);
  EXPECT_TRUE(allEvents(*store_, eventQuery(4)).empty());
}

TEST_P(StoreContractTest, PrunedHistoryIsGone) {
  for (int i = 0; i < 10; ++i) {
    mustCreate(makeObject("Machine", "m" + std::to_string(i)));
    clock_.advanceMs(1000);
  }
  auto pruned = store_->pruneEvents({.maxAgeMs = 0, .maxCount = 6});
  ASSERT_TRUE(pruned) << pruned.error().describe();
  EXPECT_EQ(*pruned, 4);
  auto stats = store_->stats();
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->oldestEventSeq, 5);
  EXPECT_EQ(stats->lastSeq, 10);
  // Following from seq 4 loses nothing; from 3, event 4 is gone.
  EXPECT_EQ(allEvents(*store_, eventQuery(4)).size(), 6u);
  auto gone = store_->events(eventQuery(3));
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, ErrorCode::kGone);
  // Age: events 5..10 were written at t0+4s..t0+9s; now is t0+10s.
  pruned = store_->pruneEvents({.maxAgeMs = 3500, .maxCount = 0});
  ASSERT_TRUE(pruned);
  EXPECT_EQ(*pruned, 3);
  EXPECT_EQ(store_->stats()->oldestEventSeq, 8);
  // Everything pruned: still kGone for old cursors, fine at the head.
  ASSERT_TRUE(store_->pruneEvents({.maxAgeMs = 1, .maxCount = 0}));
  EXPECT_EQ(store_->stats()->oldestEventSeq, 0);
  EXPECT_EQ(store_->events(eventQuery(5)).error().code, ErrorCode::kGone);
  EXPECT_TRUE(allEvents(*store_, eventQuery(10)).empty());
  // New writes continue the sequence.
  EXPECT_EQ(mustCreate(makeObject("Machine", "after")).rev, 11);
  EXPECT_EQ(allEvents(*store_, eventQuery(10)).size(), 1u);
}

TEST_P(StoreContractTest, StatsCountObjectsPerKind) {
  mustCreate(makeObject("Machine", "a"));
  mustCreate(makeObject("Machine", "b"));
  mustCreate(makeObject("Subnet", "c"));
  auto stats = store_->stats();
  ASSERT_TRUE(stats) << stats.error().describe();
  EXPECT_EQ(stats->objectsPerKind, (std::map<std::string, int64_t>{{"Machine", 2}, {"Subnet", 1}}));
  EXPECT_EQ(stats->lastSeq, 3);
  EXPECT_EQ(stats->oldestEventSeq, 1);
  EXPECT_GT(stats->sizeBytes, 0);
}

TEST_P(StoreContractTest, CommitListenerSeesEverySeq) {
  std::mutex mu;
  std::vector<int64_t> seen;
  store_->setCommitListener([&](int64_t seq) {
    std::lock_guard lock(mu);
    seen.push_back(seq);
  });
  mustCreate(makeObject("Machine", "a"));
  ASSERT_TRUE(store_->update(makeObject("Machine", "a"), std::nullopt, "t"));
  ASSERT_FALSE(store_->create(makeObject("Machine", "a"), "t"));  // no commit, no call
  ASSERT_TRUE(store_->remove("Machine", "a", std::nullopt, "t"));
  EXPECT_EQ(seen, (std::vector<int64_t>{1, 2, 3}));
}

TEST_P(StoreContractTest, ConcurrentReadModifyWriteLosesNoUpdate) {
  constexpr int kThreads = 8;
  constexpr int kUpdates = 50;
  mustCreate(makeObject("Counter", "c", {}, {{"n", 0}}));
  std::atomic<int> retries{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int done = 0; done < kUpdates;) {
        auto current = store_->get("Counter", "c");
        ASSERT_TRUE(current) << current.error().describe();
        Object next = *current;
        next.spec["n"] = current->spec["n"].get<int>() + 1;
        auto written = store_->update(next, current->rev, "t");
        if (written) {
          ++done;
        } else {
          ASSERT_EQ(written.error().code, ErrorCode::kPreconditionFailed);
          ++retries;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  auto final = store_->get("Counter", "c");
  ASSERT_TRUE(final);
  EXPECT_EQ(final->spec["n"], kThreads * kUpdates);
  EXPECT_EQ(final->rev, 1 + kThreads * kUpdates);  // failed attempts take no seq
  RecordProperty("retries", retries.load());
  std::printf("read-modify-write retries: %d\n", retries.load());
}

TEST_P(StoreContractTest, ConcurrentCreatesGetDistinctGapFreeSeqs) {
  constexpr int kThreads = 6;
  constexpr int kCreates = 100;
  std::mutex mu;
  std::map<int64_t, std::string> revToKey;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCreates; ++i) {
        const std::string key = "t" + std::to_string(t) + "-" + std::to_string(i);
        auto created = store_->create(makeObject("Machine", key), "t");
        ASSERT_TRUE(created) << created.error().describe();
        std::lock_guard lock(mu);
        EXPECT_TRUE(revToKey.emplace(created->rev, key).second) << "duplicate rev";
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  const int64_t total = kThreads * kCreates;
  ASSERT_EQ(static_cast<int64_t>(revToKey.size()), total);
  EXPECT_EQ(revToKey.begin()->first, 1);
  EXPECT_EQ(revToKey.rbegin()->first, total);
  EXPECT_EQ(store_->lastSeq(), total);
  auto events = allEvents(*store_);
  ASSERT_EQ(static_cast<int64_t>(events.size()), total);
  for (int64_t i = 0; i < total; ++i) {
    EXPECT_EQ(events[static_cast<size_t>(i)].seq, i + 1);
    EXPECT_EQ(events[static_cast<size_t>(i)].key, revToKey[i + 1]);
  }
}

}  // namespace
}  // namespace foundry::store::testing
