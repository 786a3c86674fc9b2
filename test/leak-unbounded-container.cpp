// RUN: %check_leakguard -std=c++20 %s leak-unbounded-container %t
// RUN: %check_leakguard -std=c++20 -check-suffixes=,STRICT %s leak-unbounded-container %t \
// RUN:   -- --config="{CheckOptions: [{key: leak-unbounded-container.StrictMode, value: true}]}"

#include <algorithm>
#include <deque>
#include <forward_list>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <queue>
#include <set>
#include <stack>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>
// The inserted includes land in sorted position among the others.
// CHECK-FIXES: #include <functional>
// CHECK-FIXES-NEXT: #include <leakguard/ring_buffer.hpp>
// CHECK-FIXES-NEXT: #include <leakguard/lru_map.hpp>
// CHECK-FIXES-NEXT: #include <list>

struct PoolMetrics { int Connections; };
struct QueryResult { int Rows; };
struct HashName { std::size_t operator()(const std::string &S) const { return S.size(); } };

// ---- Growth families: each one is a finding. -----------------------------

class ConnectionPoolManager {
  std::vector<PoolMetrics> metrics_;
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: member 'metrics_' of 'ConnectionPoolManager' grows without bound: elements are added but never removed [leak-unbounded-container]
  // CHECK-FIXES: leakguard::ring_buffer<PoolMetrics> metrics_{1024};
  std::unordered_map<std::string, QueryResult> queryCache_;
  // CHECK-MESSAGES: :[[@LINE-1]]:48: warning: member 'queryCache_' of 'ConnectionPoolManager' grows without bound
  // CHECK-FIXES: leakguard::lru_map<std::string, QueryResult> queryCache_{1024};
  std::unordered_map<std::string, int, HashName> hashed_;
  // CHECK-MESSAGES: :[[@LINE-1]]:50: warning: member 'hashed_'
  // CHECK-FIXES: leakguard::lru_map<std::string, int, HashName> hashed_{1024};
  std::deque<int> events_;
  // CHECK-MESSAGES: :[[@LINE-1]]:19: warning: member 'events_'
  // CHECK-FIXES: leakguard::ring_buffer<int> events_{1024};

public:
  void tick() { metrics_.push_back(PoolMetrics{1}); }
  void cache(std::string Sql, QueryResult R) { queryCache_[std::move(Sql)] = R; }
  void hash(const std::string &S) { hashed_.emplace(S, 1); }
  void event(int E) { events_.emplace_back(E); }
  std::size_t metricCount() const { return metrics_.size(); }
  const PoolMetrics &latest() const { return metrics_.back(); }
};

class Growth {
  std::list<int> front_;
  // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: member 'front_'
  std::map<int, std::string> tried_;
  // CHECK-MESSAGES: :[[@LINE-1]]:30: warning: member 'tried_'
  std::map<int, int> assigned_;
  // CHECK-MESSAGES: :[[@LINE-1]]:22: warning: member 'assigned_'
  std::set<int> inserted_;
  // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: member 'inserted_'
  std::multiset<int> hinted_;
  // CHECK-MESSAGES: :[[@LINE-1]]:22: warning: member 'hinted_'
  std::queue<int> queued_;
  // CHECK-MESSAGES: :[[@LINE-1]]:19: warning: member 'queued_'
  std::stack<int> stacked_;
  // CHECK-MESSAGES: :[[@LINE-1]]:19: warning: member 'stacked_'
  std::priority_queue<int> prioritized_;
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: member 'prioritized_'
  std::string log_;
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: member 'log_'
  std::string appended_;
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: member 'appended_'
  std::unordered_set<int> seen_;
  // CHECK-MESSAGES: :[[@LINE-1]]:27: warning: member 'seen_'
  std::forward_list<int> singly_;
  // CHECK-MESSAGES: :[[@LINE-1]]:26: warning: member 'singly_'
  std::vector<int> positioned_;
  // CHECK-MESSAGES: :[[@LINE-1]]:20: warning: member 'positioned_'

public:
  void add(int V) {
    front_.push_front(V);
    tried_.try_emplace(V, "x");
    assigned_.insert_or_assign(V, V);
    inserted_.insert(V);
    hinted_.emplace_hint(hinted_.end(), V);
    queued_.push(V);
    stacked_.emplace(V);
    prioritized_.push(V);
    log_ += "line";
    appended_.append("x");
    seen_.insert(V);
    singly_.emplace_front(V);
    // vector::insert is not part of ring_buffer's interface: no fix-it.
    positioned_.insert(positioned_.begin(), V);
  }
};

// ---- Removal families: any one silences the member. ----------------------

class Removals {
  std::vector<int> erased_;
  std::vector<int> stdErased_;
  std::vector<int> stdErasedIf_;
  std::deque<int> popped_;
  std::vector<int> cleared_;
  std::vector<int> resized_;
  std::vector<int> assigned_;
  std::vector<int> swapped_;
  std::vector<int> stdSwapped_;
  std::map<int, int> extracted_;
  std::list<int> removed_;
  std::list<int> removedIf_;
  std::list<int> uniqued_;
  std::list<int> splicedOut_;
  std::vector<int> reassigned_;
  std::vector<int> resetToEmpty_;
  std::vector<int> movedFrom_;
  std::vector<int> exchanged_;
  std::queue<int> dequeued_;
  std::list<int> sink_;

public:
  void grow(int V) {
    erased_.push_back(V);
    stdErased_.push_back(V);
    stdErasedIf_.push_back(V);
    popped_.push_back(V);
    cleared_.push_back(V);
    resized_.push_back(V);
    assigned_.push_back(V);
    swapped_.push_back(V);
    stdSwapped_.push_back(V);
    extracted_[V] = V;
    removed_.push_back(V);
    removedIf_.push_back(V);
    uniqued_.push_back(V);
    splicedOut_.push_back(V);
    reassigned_.push_back(V);
    resetToEmpty_.push_back(V);
    movedFrom_.push_back(V);
    exchanged_.push_back(V);
    dequeued_.push(V);
  }
  void trim() {
    if (erased_.size() > 100)
      erased_.erase(erased_.begin());
    std::erase(stdErased_, 3);
    std::erase_if(stdErasedIf_, [](int X) { return X < 0; });
    popped_.pop_front();
    cleared_.clear();
    resized_.resize(10);
    assigned_.assign(3, 0);
    std::vector<int> Other;
    swapped_.swap(Other);
    std::swap(stdSwapped_, Other);
    extracted_.extract(1);
    removed_.remove(1);
    removedIf_.remove_if([](int X) { return X > 3; });
    uniqued_.unique();
    sink_.splice(sink_.end(), splicedOut_);
    reassigned_ = Other;
    resetToEmpty_ = {};
    std::vector<int> Taken = std::move(movedFrom_);
    auto Old = std::exchange(exchanged_, {});
    dequeued_.pop();
    sink_.clear();
  }
};

// ---- Unknown: an escape silences it, except in StrictMode. ---------------

void fill(std::vector<int> &Out);
void inspect(const std::vector<int> &In);

class Escapes {
  std::vector<int> passedByRef_;
  // CHECK-MESSAGES-STRICT: :[[@LINE-1]]:20: warning: member 'passedByRef_'
  std::vector<int> addressTaken_;
  // CHECK-MESSAGES-STRICT: :[[@LINE-1]]:20: warning: member 'addressTaken_'
  std::vector<int> returnedByRef_;
  // CHECK-MESSAGES-STRICT: :[[@LINE-1]]:20: warning: member 'returnedByRef_'
  std::vector<int> boundToRef_;
  // CHECK-MESSAGES-STRICT: :[[@LINE-1]]:20: warning: member 'boundToRef_'
  std::vector<int> passedByConstRef_;
  // A const reference cannot trim it: still a finding, but no fix-it since
  // ring_buffer does not convert to std::vector.
  // CHECK-MESSAGES: :[[@LINE-3]]:20: warning: member 'passedByConstRef_'
  std::vector<int> *Stored = nullptr;

public:
  void grow(int V) {
    passedByRef_.push_back(V);
    addressTaken_.push_back(V);
    returnedByRef_.push_back(V);
    boundToRef_.push_back(V);
    passedByConstRef_.push_back(V);
  }
  void leak() {
    fill(passedByRef_);
    Stored = &addressTaken_;
    std::vector<int> &Alias = boundToRef_;
    (void)Alias;
    inspect(passedByConstRef_);
  }
  std::vector<int> &values() { return returnedByRef_; }
};

// ---- Silent: filled only in constructors, bounded keys. ------------------

enum class Level { Low, High };

class Silent {
  std::vector<int> table_;
  std::map<Level, int> perLevel_;
  std::unordered_map<bool, std::string> perFlag_;
  std::set<Level> levels_;

public:
  Silent() {
    for (int I = 0; I < 10; ++I)
      table_.push_back(I);
  }
  void count(Level L) { ++perLevel_[L]; perFlag_[L == Level::High] = "x"; levels_.insert(L); }
  int at(int I) const { return table_[I]; }
};

// A setter stores what its caller configures (IgnoredGrowthFunctions), and
// listener storage belongs to leak-listener-not-removed.
class Configured {
  std::unordered_map<std::string, std::string> mimeTypes_;
  std::map<std::string, std::vector<std::function<void()>>> handlers_;
  std::vector<void (*)(int)> callbacks_;

public:
  void set_mime_type(const std::string &Ext, const std::string &Type) { mimeTypes_[Ext] = Type; }
  void setMimeType(const std::string &Ext) { mimeTypes_.emplace(Ext, "text/plain"); }
  void on(const std::string &Event, std::function<void()> F) { handlers_[Event].push_back(std::move(F)); }
  void onEach(void (*F)(int)) { callbacks_.push_back(F); }
};

// ---- Visibility: public members, friends, member functions elsewhere. ----

struct PublicMember {
  std::vector<int> Values;
  // CHECK-MESSAGES-STRICT: :[[@LINE-1]]:20: warning: member 'Values'
  // CHECK-FIXES-STRICT: leakguard::ring_buffer<int> Values{1024};
  void add(int V) { Values.push_back(V); }
};

class WithFriend {
  friend void trimElsewhere(WithFriend &);
  std::vector<int> values_;
  // CHECK-MESSAGES-STRICT: :[[@LINE-1]]:20: warning: member 'values_'
  // CHECK-FIXES-STRICT: leakguard::ring_buffer<int> values_{1024};
public:
  void add(int V) { values_.push_back(V); }
};

class Incomplete {
  std::vector<int> values_;
  // CHECK-MESSAGES-STRICT: :[[@LINE-1]]:20: warning: member 'values_'
  // CHECK-FIXES-STRICT: leakguard::ring_buffer<int> values_{1024};
public:
  void add(int V) { values_.push_back(V); }
  void trim(); // defined in another translation unit, may remove
};

class CompleteOutOfLine {
  std::vector<int> values_;
  // CHECK-MESSAGES: :[[@LINE-1]]:20: warning: member 'values_' of 'CompleteOutOfLine'
  // CHECK-FIXES: leakguard::ring_buffer<int> values_{1024};
public:
  CompleteOutOfLine() = default;
  virtual ~CompleteOutOfLine() = default;
  virtual void hook() = 0;
  void add(int V);
  CompleteOutOfLine(const CompleteOutOfLine &) = delete;
};
void CompleteOutOfLine::add(int V) { values_.push_back(V); }

// ---- Class templates: the pattern is analysed, and reported once. --------

template <typename T> class History {
  std::vector<T> entries_;
  // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: member 'entries_' of 'History' grows without bound
  // CHECK-FIXES: leakguard::ring_buffer<T> entries_{1024};
public:
  void record(const T &Value) { entries_.push_back(Value); }
};
History<int> IntHistory;
History<std::string> StringHistory;
void useHistories() { IntHistory.record(1); StringHistory.record("x"); }

template <typename T> class TrimmedHistory {
  std::vector<T> entries_;
public:
  void record(const T &Value) {
    entries_.push_back(Value);
    if (entries_.size() > 50)
      entries_.erase(entries_.begin());
  }
};

// ---- No fix-it: initialised, in a macro, several declarators. ------------

#define DECLARE_LOG(name) std::vector<int> name
class NoFix {
  std::vector<int> initialized_{1, 2, 3};
  // CHECK-MESSAGES: :[[@LINE-1]]:20: warning: member 'initialized_'
  std::vector<int> ctorInit_;
  // CHECK-MESSAGES: :[[@LINE-1]]:20: warning: member 'ctorInit_'
  DECLARE_LOG(macro_);
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: member 'macro_'
  std::vector<int> first_, second_;
  // CHECK-MESSAGES: :[[@LINE-1]]:20: warning: member 'first_'
  // CHECK-MESSAGES: :[[@LINE-2]]:28: warning: member 'second_'
  std::unordered_map<int, int> returned_;
  // CHECK-MESSAGES: :[[@LINE-1]]:32: warning: member 'returned_'

public:
  NoFix() : ctorInit_(4) {}
  void add(int V) {
    initialized_.push_back(V);
    ctorInit_.push_back(V);
    macro_.push_back(V);
    first_.push_back(V);
    second_.push_back(V);
    returned_[V] = V;
  }
  std::unordered_map<int, int> snapshot() const { return returned_; }
};

// ---- NOLINT silences a finding. ------------------------------------------

class Suppressed {
  std::vector<int> history_; // NOLINT(leak-unbounded-container)
public:
  void add(int V) { history_.push_back(V); }
};
