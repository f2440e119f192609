#pragma once
// SQLite implementation of Store. Internal to the store module: other modules
// use store.h and openSqliteStore().
//
// Concurrency: one writer connection behind writeMu_ (SQLite allows one
// writer at a time anyway; the mutex avoids busy-waiting inside SQLite), and a
// pool of reader connections that WAL lets run concurrently with the writer,
// each seeing the last committed state.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "store/sqlite_db.h"
#include "store/store.h"

namespace foundry::store {

// A connection with its cached statements. Statements are reset after use
// (StatementResetter) so an idle connection holds no read transaction.
struct WriterConn {
  Connection conn;
  Statement loadHead;      // rev, created_ms, labels of one object
  Statement loadFull;      // the whole object (for delete)
  Statement nextSeq;       // the sequencer row
  Statement insertObject;
  Statement updateObject;
  Statement deleteObject;
  Statement insertEvent;
  Statement insertLabel;
  Statement deleteLabels;
};

struct ReaderConn {
  Connection conn;
  Statement getObject;
};

// Fixed-size pool of reader connections; acquire() blocks while all are busy.
class ReaderPool {
 public:
  class Lease {
   public:
    Lease(ReaderPool* pool, ReaderConn* reader) : pool_(pool), reader_(reader) {}
    ~Lease() { pool_->release(reader_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ReaderConn& operator*() const { return *reader_; }
    ReaderConn* operator->() const { return reader_; }

   private:
    ReaderPool* pool_;
    ReaderConn* reader_;
  };

  void add(std::unique_ptr<ReaderConn> reader);
  Lease acquire();

 private:
  void release(ReaderConn* reader);

  std::mutex mu_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<ReaderConn>> all_;  // owned; fixed after open
  std::vector<ReaderConn*> idle_;                 // GUARDED_BY(mu_)
};

class SqliteStore final : public Store {
 public:
  static Result<std::unique_ptr<SqliteStore>> open(const SqliteOptions& options);

  Result<Object> create(const Object& obj, const std::string& principal) override;
  Result<Object> update(const Object& obj, std::optional<int64_t> expectedRev,
                        const std::string& principal) override;
  Result<Object> remove(const std::string& kind, const std::string& key,
                        std::optional<int64_t> expectedRev, const std::string& principal) override;
  Result<Object> get(const std::string& kind, const std::string& key) override;
  Result<ListResult> list(const std::string& kind, const ListQuery& query) override;
  Result<std::vector<Event>> events(const EventQuery& query) override;
  int64_t lastSeq() override { return lastSeq_.load(); }
  void setCommitListener(std::function<void(int64_t seq)> listener) override {
    listener_ = std::move(listener);
  }
  Result<int64_t> pruneEvents(const RetentionPolicy& policy) override;
  Result<StoreStats> stats() override;
  Status backup(const std::string& path) override;
  Status flush() override;

 private:
  // What a write needs to know about the current row.
  struct Head {
    int64_t rev = 0;
    int64_t createdMs = 0;
    std::string labelsJson;
  };
  struct Change {
    Action action;
    Object object;  // the new state (for deletes, the last state)
    std::string labelsJson;
    std::string specJson;
    std::optional<int64_t> expectedRev;
    std::string principal;
  };

  SqliteStore(SqliteOptions options, WriterConn writer, int64_t lastSeq);

  // Create and update: validate, encode, then commitChange.
  Result<Object> write(Action action, const Object& obj, std::optional<int64_t> expectedRev,
                       const std::string& principal);
  // Runs one write transaction; calls the listener after unlocking.
  Result<Object> commitChange(Change change);
  Result<Object> applyLocked(Change& change);  // REQUIRES: writeMu_ held
  Result<std::optional<Head>> loadHead(const std::string& kind, const std::string& key);
  Status loadLastState(Change& change);
  Status writeObjectRows(const Change& change, const std::optional<Head>& head);
  Status writeEvent(const Change& change, int64_t seq, int64_t now);
  Status replaceLabels(const Change& change, bool hadRow);
  Result<int64_t> takeSeq();
  Status openReaders(int count);

  SqliteOptions options_;
  const Clock& clock_;
  std::mutex writeMu_;
  WriterConn writer_;  // GUARDED_BY(writeMu_)
  ReaderPool readers_;
  std::atomic<int64_t> lastSeq_;
  std::function<void(int64_t)> listener_;  // set before concurrent use
};

// Opens a connection with the store's pragmas and SQL functions.
Result<Connection> openStoreConnection(const std::string& path, bool reader,
                                       Durability durability);

}  // namespace foundry::store
