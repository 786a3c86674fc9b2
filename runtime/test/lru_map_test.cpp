#include <leakguard/lru_map.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <list>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {

using leakguard::eviction_reason;
using leakguard::lru_map;

// --- test types ------------------------------------------------------------------

// Counts live instances, detects use of destroyed objects, and can be told to
// throw from its copy constructor on the n-th copy.
struct tracked {
  static constexpr unsigned kAlive = 0xA11CEu;
  static inline long live = 0;
  static inline int copies_until_throw = 0;  // 0 = never throw
  static inline bool saw_dead_object = false;

  int value = 0;
  unsigned state = kAlive;

  tracked() { ++live; }
  explicit tracked(int v) : value(v) { ++live; }
  tracked(const tracked& other) : value(other.value) {
    check_alive(other);
    if (copies_until_throw > 0 && --copies_until_throw == 0) throw std::runtime_error("copy failed");
    ++live;
  }
  tracked(tracked&& other) noexcept : value(other.value) {
    check_alive(other);
    ++live;
  }
  tracked& operator=(const tracked& other) {
    check_alive(other);
    check_alive(*this);
    if (copies_until_throw > 0 && --copies_until_throw == 0) throw std::runtime_error("copy failed");
    value = other.value;
    return *this;
  }
  tracked& operator=(tracked&& other) noexcept {
    check_alive(other);
    check_alive(*this);
    value = other.value;
    return *this;
  }
  ~tracked() {
    check_alive(*this);
    state = 0;
    --live;
  }
  static void check_alive(const tracked& t) {
    if (t.state != kAlive) saw_dead_object = true;
  }
  friend bool operator==(const tracked& a, const tracked& b) { return a.value == b.value; }
};

// Puts every key in one of three buckets' worth of hash values, and can be told
// to throw on the n-th call.
struct colliding_hash {
  static inline int calls_until_throw = 0;  // 0 = never throw
  std::size_t operator()(int key) const {
    if (calls_until_throw > 0 && --calls_until_throw == 0) throw std::runtime_error("hash failed");
    return static_cast<std::size_t>(key % 3);
  }
};

struct case_insensitive_hash {
  std::size_t seed = 0;
  std::size_t operator()(const std::string& text) const {
    std::size_t h = seed;
    for (unsigned char c : text) h = h * 31 + static_cast<std::size_t>(std::tolower(c));
    return h;
  }
};

struct case_insensitive_equal {
  bool operator()(const std::string& a, const std::string& b) const {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](unsigned char x, unsigned char y) {
      return std::tolower(x) == std::tolower(y);
    });
  }
};

struct removal {
  int key;
  int value;
  eviction_reason reason;
  friend bool operator==(const removal& a, const removal& b) {
    return a.key == b.key && a.value == b.value && a.reason == b.reason;
  }
};

std::ostream& operator<<(std::ostream& out, const removal& r) {
  return out << '{' << r.key << ", " << r.value << ", " << static_cast<int>(r.reason) << '}';
}

template <class Map>
std::vector<std::pair<int, int>> entries_of(const Map& map) {
  std::vector<std::pair<int, int>> out;
  for (const auto& entry : map) out.emplace_back(entry.first, entry.second.value);
  return out;
}

std::vector<int> keys_of(const lru_map<int, int>& map) {
  std::vector<int> out;
  for (const auto& entry : map) out.push_back(entry.first);
  return out;
}

class lru_map_test : public ::testing::Test {
 protected:
  void SetUp() override {
    tracked::live = 0;
    tracked::copies_until_throw = 0;
    tracked::saw_dead_object = false;
    colliding_hash::calls_until_throw = 0;
  }
  void TearDown() override {
    EXPECT_EQ(tracked::live, 0) << "tracked objects leaked or destroyed twice";
    EXPECT_FALSE(tracked::saw_dead_object) << "a destroyed value was used";
  }
};

// --- construction, capacity --------------------------------------------------------

struct member_holder {
  // Exactly what leak-unbounded-container's fix-it writes.
  leakguard::lru_map<int, int> ints_{1024};
  leakguard::lru_map<std::string, int, case_insensitive_hash, case_insensitive_equal> names_{1024};
};

TEST_F(lru_map_test, brace_initialised_member_takes_a_capacity) {
  member_holder holder;
  EXPECT_EQ(holder.ints_.capacity(), 1024u);
  EXPECT_TRUE(holder.ints_.empty());
  EXPECT_EQ(holder.names_.capacity(), 1024u);
  static_assert(!std::is_convertible<std::size_t, lru_map<int, int>>::value,
                "the capacity constructor must be explicit");
}

TEST_F(lru_map_test, zero_capacity_is_rejected) {
  EXPECT_THROW((lru_map<int, int>{0}), std::invalid_argument);
  lru_map<int, int> map{2, {{1, 1}, {2, 2}}};
  EXPECT_THROW(map.set_capacity(0), std::invalid_argument);
  EXPECT_EQ(map.size(), 2u);
  EXPECT_EQ(map.capacity(), 2u);
}

TEST_F(lru_map_test, list_and_range_construction_insert_in_order) {
  lru_map<int, int> map{2, {{1, 10}, {2, 20}, {3, 30}}};
  EXPECT_EQ(keys_of(map), (std::vector<int>{3, 2}));
  EXPECT_EQ(map.eviction_count(), 1u);
  const std::vector<std::pair<int, int>> source{{5, 50}, {6, 60}};
  lru_map<int, int> from_range(4, source.begin(), source.end());
  EXPECT_EQ(keys_of(from_range), (std::vector<int>{6, 5}));
  EXPECT_EQ(from_range.at(5), 50);
}

// --- recency ------------------------------------------------------------------------

TEST_F(lru_map_test, evicts_the_least_recently_used_entry) {
  lru_map<int, int> map{3};
  map[1] = 10;
  map[2] = 20;
  map[3] = 30;
  EXPECT_EQ(keys_of(map), (std::vector<int>{3, 2, 1}));
  ASSERT_NE(map.find(1), map.end());  // 1 is now the most recent
  map[4] = 40;                        // evicts 2
  EXPECT_EQ(keys_of(map), (std::vector<int>{4, 1, 3}));
  EXPECT_FALSE(map.contains(2));
  EXPECT_TRUE(map.full());
  EXPECT_EQ(map.eviction_count(), 1u);
  EXPECT_EQ(map.high_water_size(), 3u);
}

TEST_F(lru_map_test, find_operator_brackets_at_and_inserts_count_as_use) {
  lru_map<int, int> map{4, {{1, 1}, {2, 2}, {3, 3}, {4, 4}}};  // order 4 3 2 1
  map.find(1);
  EXPECT_EQ(keys_of(map).front(), 1);
  (void)map[2];
  EXPECT_EQ(keys_of(map).front(), 2);
  map.at(3);
  EXPECT_EQ(keys_of(map).front(), 3);
  EXPECT_FALSE(map.insert({4, 400}).second);
  EXPECT_EQ(keys_of(map).front(), 4);
  EXPECT_EQ(map.peek(4)->second, 4) << "insert of a present key does not overwrite";
  map.emplace(1, 100);
  EXPECT_EQ(keys_of(map).front(), 1);
  map.try_emplace(2, 200);
  EXPECT_EQ(keys_of(map).front(), 2);
  EXPECT_FALSE(map.insert_or_assign(3, 300).second);
  EXPECT_EQ(keys_of(map).front(), 3);
  EXPECT_EQ(map.peek(3)->second, 300);
}

TEST_F(lru_map_test, peek_contains_count_iteration_and_const_access_are_not_use) {
  lru_map<int, int> map{3, {{1, 1}, {2, 2}, {3, 3}}};  // order 3 2 1
  const std::vector<int> before = keys_of(map);
  EXPECT_EQ(map.peek(1)->second, 1);
  EXPECT_TRUE(map.contains(1));
  EXPECT_EQ(map.count(1), 1u);
  EXPECT_EQ(map.count(9), 0u);
  EXPECT_EQ(map.peek(9), map.end());
  const lru_map<int, int>& view = map;
  EXPECT_EQ(view.find(1)->second, 1);
  EXPECT_EQ(view.at(1), 1);
  EXPECT_EQ(view.find(9), view.end());
  EXPECT_THROW(view.at(9), std::out_of_range);
  int sum = 0;
  for (const auto& entry : map) sum += entry.second;
  EXPECT_EQ(sum, 6);
  EXPECT_EQ(keys_of(map), before);
  map[4] = 4;  // 1 is still the least recent
  EXPECT_FALSE(map.contains(1));
}

TEST_F(lru_map_test, try_emplace_on_a_present_key_leaves_its_arguments_alone) {
  lru_map<int, std::unique_ptr<int>> map{2};
  map.try_emplace(1, std::make_unique<int>(1));
  auto spare = std::make_unique<int>(2);
  EXPECT_FALSE(map.try_emplace(1, std::move(spare)).second);
  EXPECT_NE(spare, nullptr);
  EXPECT_EQ(*map.at(1), 1);
}

// --- removal reporting ---------------------------------------------------------------

TEST_F(lru_map_test, callback_sees_every_removal_path_with_its_reason) {
  std::vector<removal> log;
  auto record = [&log](const int& key, int& value, eviction_reason reason) {
    log.push_back({key, value, reason});
  };
  {
    lru_map<int, int> map{2};
    map.set_eviction_callback(record);
    map[1] = 10;
    map[2] = 20;
    map[3] = 30;  // evicts 1
    EXPECT_EQ(map.erase(2), 1u);
    EXPECT_EQ(map.erase(2), 0u);
    map[4] = 40;
    map.erase(map.find(3));
    map[5] = 50;
    map.clear();
    map[6] = 60;
    map[7] = 70;
    map.set_capacity(1);  // evicts 6
    lru_map<int, int> other{5, {{8, 80}}};
    map = other;  // the old entry 7 is replaced
  }                // 8 is destroyed with the map
  const std::vector<removal> expected{
      {1, 10, eviction_reason::evicted}, {2, 20, eviction_reason::erased},
      {3, 30, eviction_reason::erased},  {5, 50, eviction_reason::cleared},
      {4, 40, eviction_reason::cleared}, {6, 60, eviction_reason::evicted},
      {7, 70, eviction_reason::cleared}, {8, 80, eviction_reason::destroyed}};
  EXPECT_EQ(log, expected);
}

TEST_F(lru_map_test, counters_track_evictions_and_the_high_water_size) {
  lru_map<int, int> map{4};
  for (int i = 0; i < 10; ++i) map[i] = i;
  EXPECT_EQ(map.eviction_count(), 6u);
  EXPECT_EQ(map.high_water_size(), 4u);
  map.erase(9);
  map.clear();
  EXPECT_EQ(map.eviction_count(), 6u) << "erase and clear are not evictions";
  EXPECT_EQ(map.high_water_size(), 4u);
  lru_map<int, int> small{100};
  for (int i = 0; i < 7; ++i) small[i % 3] = i;
  EXPECT_EQ(small.high_water_size(), 3u);
}

TEST_F(lru_map_test, callback_may_take_the_evicted_value) {
  std::vector<std::unique_ptr<int>> written_back;
  lru_map<int, std::unique_ptr<int>> map{2};
  map.set_eviction_callback([&](const int&, std::unique_ptr<int>& value, eviction_reason) {
    written_back.push_back(std::move(value));
  });
  for (int i = 0; i < 5; ++i) map[i] = std::make_unique<int>(i * 10);
  ASSERT_EQ(written_back.size(), 3u);
  EXPECT_EQ(*written_back[0], 0);
  EXPECT_EQ(*written_back[2], 20);
}

TEST_F(lru_map_test, throwing_callback_keeps_the_entry_and_undoes_the_insert) {
  lru_map<int, tracked> map{2};
  map.try_emplace(1, 1);
  map.try_emplace(2, 2);
  map.set_eviction_callback([](const int&, tracked&, eviction_reason) {
    throw std::runtime_error("refused");
  });
  EXPECT_THROW(map.try_emplace(3, 3), std::runtime_error);
  EXPECT_THROW(map.erase(1), std::runtime_error);
  EXPECT_EQ(entries_of(map), (std::vector<std::pair<int, int>>{{2, 2}, {1, 1}}));
  EXPECT_EQ(map.eviction_count(), 0u);
  EXPECT_EQ(tracked::live, 2);
  map.set_eviction_callback(nullptr);
}

// --- interface ---------------------------------------------------------------------------

TEST_F(lru_map_test, erase_by_iterator_and_range_return_the_next_entry) {
  lru_map<int, int> map{5, {{1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}}};  // 5 4 3 2 1
  auto next = map.erase(std::next(map.begin()));
  EXPECT_EQ(next->first, 3);
  next = map.erase(next, std::prev(map.end()));
  EXPECT_EQ(next->first, 1);
  EXPECT_EQ(keys_of(map), (std::vector<int>{5, 1}));
  EXPECT_EQ(map.erase(map.begin(), map.end()), map.end());
  EXPECT_TRUE(map.empty());
}

TEST_F(lru_map_test, at_throws_for_a_missing_key) {
  lru_map<int, int> map{2};
  EXPECT_THROW(map.at(1), std::out_of_range);
  map[1] = 5;
  map.at(1) = 6;
  EXPECT_EQ(map.at(1), 6);
}

TEST_F(lru_map_test, custom_hash_and_equality_are_used) {
  lru_map<std::string, int, case_insensitive_hash, case_insensitive_equal> map{
      8, case_insensitive_hash{17}, case_insensitive_equal{}};
  map["Hello"] = 1;
  map["HELLO"] += 1;
  EXPECT_EQ(map.size(), 1u);
  EXPECT_EQ(map.count("hello"), 1u);
  EXPECT_EQ(map.find("hELLo")->second, 2);
  EXPECT_EQ(map.find("hELLo")->first, "Hello") << "the first spelling is the stored key";
  EXPECT_FALSE(map.try_emplace("HeLLo", 9).second);
  EXPECT_EQ(map.hash_function().seed, 17u);
  EXPECT_TRUE(map.key_eq()("a", "A"));
}

TEST_F(lru_map_test, hash_table_tuning_keeps_the_unordered_map_meaning) {
  lru_map<int, int> map{10};
  map.reserve(1000);
  EXPECT_GE(map.bucket_count(), 1000u);
  EXPECT_EQ(map.capacity(), 10u) << "reserve sizes the hash table, not the bound";
  map.max_load_factor(0.5f);
  EXPECT_FLOAT_EQ(map.max_load_factor(), 0.5f);
  for (int i = 0; i < 50; ++i) map[i] = i;
  map.rehash(0);
  EXPECT_LE(map.load_factor(), 0.5f);
  EXPECT_EQ(map.size(), 10u);
  EXPECT_EQ(map.at(49), 49);
}

TEST_F(lru_map_test, equality_ignores_order_capacity_and_counters) {
  lru_map<int, int> a{3, {{1, 1}, {2, 2}}};
  lru_map<int, int> b{9, {{2, 2}, {1, 1}}};
  EXPECT_TRUE(a == b);
  EXPECT_FALSE(a != b);
  b[1] = 5;
  EXPECT_TRUE(a != b);
  b[1] = 1;
  b[3] = 3;
  EXPECT_FALSE(a == b);
}

TEST_F(lru_map_test, copy_move_and_swap) {
  lru_map<int, tracked> map{3};
  std::vector<int> evicted;
  map.set_eviction_callback([&](const int& key, tracked&, eviction_reason reason) {
    if (reason == eviction_reason::evicted) evicted.push_back(key);
  });
  for (int i = 0; i < 4; ++i) map.try_emplace(i, i);

  lru_map<int, tracked> copy = map;
  EXPECT_EQ(entries_of(copy), entries_of(map));
  EXPECT_EQ(copy.eviction_count(), 1u);
  copy.try_emplace(9, 9);  // the copy has the callback and its own entries
  EXPECT_EQ(evicted, (std::vector<int>{0, 1}));
  EXPECT_TRUE(map.contains(1));

  lru_map<int, tracked> moved = std::move(map);
  EXPECT_EQ(entries_of(moved), (std::vector<std::pair<int, int>>{{3, 3}, {2, 2}, {1, 1}}));
  // The moved-from map is empty, keeps its capacity and is usable.
  EXPECT_TRUE(map.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(map.capacity(), 3u);
  EXPECT_EQ(map.eviction_count(), 0u);
  for (int i = 0; i < 5; ++i) map.try_emplace(i, i);
  EXPECT_EQ(map.size(), 3u);
  EXPECT_EQ(evicted, (std::vector<int>{0, 1})) << "the moved-from map has no callback";

  tracked& three = moved.at(3);
  swap(moved, copy);
  EXPECT_EQ(&three, &copy.at(3)) << "swap keeps references valid";
  moved = std::move(copy);
  EXPECT_EQ(moved.at(3).value, 3);
  EXPECT_EQ(moved.size(), 3u);
}

TEST_F(lru_map_test, assignment_and_swap_keep_each_maps_callback) {
  std::vector<int> mine;
  std::vector<int> theirs;
  lru_map<int, int> target{1};
  target.set_eviction_callback([&](const int& key, int&, eviction_reason) { mine.push_back(key); });
  lru_map<int, int> source{1, {{1, 1}}};
  source.set_eviction_callback([&](const int& key, int&, eviction_reason) { theirs.push_back(key); });

  target = source;
  target[2] = 2;  // evicts 1
  target = lru_map<int, int>{1, {{3, 3}}};  // 2 cleared
  lru_map<int, int> unobserved{1};
  swap(target, unobserved);
  target[4] = 4;
  unobserved[5] = 5;  // evicts 3, unreported
  EXPECT_EQ(mine, (std::vector<int>{1, 2}));
  EXPECT_TRUE(theirs.empty());
  EXPECT_FALSE(unobserved.get_eviction_callback());

  lru_map<int, int> constructed = std::move(source);  // construction takes it
  constructed[6] = 6;
  EXPECT_EQ(theirs, (std::vector<int>{1}));
  EXPECT_FALSE(source.get_eviction_callback());  // NOLINT(bugprone-use-after-move)
  target.set_eviction_callback(nullptr);  // `mine` dies before `target`
}

TEST_F(lru_map_test, references_to_surviving_entries_stay_valid_across_inserts) {
  lru_map<int, std::string> map{64};
  std::string& keep = map[0];
  keep = "kept";
  for (int i = 1; i < 1000; ++i) {
    map[i] = std::to_string(i);
    map.find(0);  // keep 0 the most recent, so it is never evicted
  }
  EXPECT_EQ(keep, "kept");
  EXPECT_EQ(&keep, &map.at(0));
  EXPECT_EQ(map.size(), 64u);
}

// --- move-only keys and values ----------------------------------------------------------

struct move_only_key {
  std::unique_ptr<int> id;
  explicit move_only_key(int v) : id(std::make_unique<int>(v)) {}
  friend bool operator==(const move_only_key& a, const move_only_key& b) { return *a.id == *b.id; }
};

struct move_only_key_hash {
  std::size_t operator()(const move_only_key& key) const { return std::hash<int>()(*key.id); }
};

TEST_F(lru_map_test, move_only_values) {
  lru_map<int, std::unique_ptr<int>> map{3};
  map.try_emplace(1, std::make_unique<int>(1));
  map[2] = std::make_unique<int>(2);
  map.emplace(3, std::make_unique<int>(3));
  map.insert_or_assign(1, std::make_unique<int>(10));
  map.insert(std::make_pair(4, std::make_unique<int>(4)));  // evicts 2
  EXPECT_FALSE(map.contains(2));
  EXPECT_EQ(*map.at(1), 10);
  map.erase(3);
  lru_map<int, std::unique_ptr<int>> other{1};
  other = std::move(map);
  EXPECT_EQ(other.size(), 2u);
  EXPECT_EQ(*other.begin()->second, 10);
}

TEST_F(lru_map_test, move_only_keys) {
  lru_map<move_only_key, int, move_only_key_hash> map{2};
  map.try_emplace(move_only_key(1), 1);
  map[move_only_key(2)] = 2;
  map.insert_or_assign(move_only_key(1), 11);
  map.emplace(move_only_key(3), 3);  // evicts 2
  EXPECT_EQ(map.count(move_only_key(2)), 0u);
  EXPECT_EQ(map.at(move_only_key(1)), 11);
  EXPECT_EQ(*map.begin()->first.id, 1);
  EXPECT_EQ(map.erase(move_only_key(3)), 1u);
}

// --- code written against std::unordered_map compiles unchanged ------------------------

template <class Map>
std::vector<std::pair<std::string, int>> use_like_an_unordered_map(Map& map) {
  map["a"] = 1;
  map.insert({"b", 2});
  map.emplace("c", 3);
  map.try_emplace("d", 4);
  map.insert_or_assign("a", 10);
  ++map["e"];
  if (map.find("b") != map.end()) map.erase("b");
  if (map.count("c") != 0) map.at("c") += 30;
  auto it = map.find("d");
  if (it != map.end()) it = map.erase(it);
  std::vector<std::pair<std::string, int>> out;
  for (const auto& entry : map) out.emplace_back(entry.first, entry.second);
  for (auto i = map.begin(); i != map.end(); ++i) out.emplace_back(i->first + "!", i->second);
  std::sort(out.begin(), out.end());
  out.emplace_back("size", static_cast<int>(map.size()));
  out.emplace_back("empty", map.empty() ? 1 : 0);
  map.clear();
  out.emplace_back("cleared", map.empty() ? 1 : 0);
  return out;
}

TEST_F(lru_map_test, unordered_map_code_behaves_the_same_within_capacity) {
  std::unordered_map<std::string, int> std_map;
  lru_map<std::string, int> lru{1024};
  EXPECT_EQ(use_like_an_unordered_map(lru), use_like_an_unordered_map(std_map));
}

// --- randomized comparison with a std::list + std::unordered_map model ------------------

// The documented semantics, written the simple way.
struct lru_model {
  std::size_t capacity = 0;
  std::list<std::pair<int, int>> order;  // most recent first
  std::unordered_map<int, std::list<std::pair<int, int>>::iterator> where;
  std::vector<removal> removed;
  std::size_t evictions = 0;
  std::size_t high_water = 0;

  lru_model() = default;
  // `where` holds iterators into `order`: rebuild it for a copy.
  lru_model(const lru_model& other)
      : capacity(other.capacity),
        order(other.order),
        removed(other.removed),
        evictions(other.evictions),
        high_water(other.high_water) {
    for (auto it = order.begin(); it != order.end(); ++it) where[it->first] = it;
  }
  lru_model& operator=(const lru_model& other) {
    lru_model copy(other);
    std::swap(capacity, copy.capacity);
    order.swap(copy.order);
    where.swap(copy.where);
    removed.swap(copy.removed);
    std::swap(evictions, copy.evictions);
    std::swap(high_water, copy.high_water);
    return *this;
  }

  bool has(int key) const { return where.count(key) != 0; }
  int& touch(int key) {
    order.splice(order.begin(), order, where.at(key));
    return order.front().second;
  }
  void remove(int key, eviction_reason reason) {
    auto it = where.at(key);
    removed.push_back({key, it->second, reason});
    order.erase(it);
    where.erase(key);
  }
  void trim() {
    while (order.size() > capacity) {
      remove(order.back().first, eviction_reason::evicted);
      ++evictions;
    }
  }
  // Returns whether it inserted.
  bool insert(int key, int value) {
    if (has(key)) {
      touch(key);
      return false;
    }
    order.emplace_front(key, value);
    where[key] = order.begin();
    trim();
    high_water = std::max(high_water, order.size());
    return true;
  }
  void clear(eviction_reason reason) {
    while (!order.empty()) remove(order.front().first, reason);
  }
};

template <class Hash>
class randomized_lru : public lru_map_test {
 protected:
  using map_type = lru_map<int, tracked, Hash>;
  std::mt19937 random_{0};
  int next_value_ = 0;

  std::size_t pick(std::size_t below) {
    return std::uniform_int_distribution<std::size_t>(0, below - 1)(random_);
  }
  int fresh() { return ++next_value_; }

  static void expect_matches(const map_type& map, const lru_model& model,
                             const std::vector<removal>& log, long extra_live) {
    ASSERT_EQ(map.capacity(), model.capacity);
    ASSERT_LE(map.size(), map.capacity());
    ASSERT_EQ(map.size(), model.order.size());
    ASSERT_EQ(map.empty(), model.order.empty());
    ASSERT_EQ(map.full(), map.size() == map.capacity());
    const std::vector<std::pair<int, int>> expected(model.order.begin(), model.order.end());
    ASSERT_EQ(entries_of(map), expected);
    for (const auto& entry : expected) {
      const auto found = map.peek(entry.first);
      ASSERT_NE(found, map.end());
      ASSERT_EQ(found->second.value, entry.second);
    }
    ASSERT_EQ(log, model.removed);
    ASSERT_EQ(map.eviction_count(), model.evictions);
    ASSERT_EQ(map.high_water_size(), model.high_water);
    ASSERT_EQ(tracked::live, static_cast<long>(map.size()) + extra_live);
    ASSERT_FALSE(tracked::saw_dead_object);
  }

  // `operations` random operations on a map and the model, compared after each.
  void run(std::uint32_t seed, std::size_t capacity, int operations) {
    random_.seed(seed);
    lru_model model;
    model.capacity = capacity;
    std::vector<removal> log;
    map_type map{capacity};
    map.set_eviction_callback([&log](const int& key, tracked& value, eviction_reason reason) {
      log.push_back({key, value.value, reason});
    });

    for (int step = 0; step < operations; ++step) {
      const std::size_t op = pick(19);
      SCOPED_TRACE("seed " + std::to_string(seed) + " step " + std::to_string(step) + " op " +
                   std::to_string(op));
      const int key = static_cast<int>(pick(2 * model.capacity + 3));
      const bool present = model.has(key);
      switch (op) {
        case 0: {
          const auto found = map.find(key);
          ASSERT_EQ(found != map.end(), present);
          if (present) {
            ASSERT_EQ(found->second.value, model.touch(key));
          }
          break;
        }
        case 1: {
          const map_type& view = map;
          const auto found = view.find(key);
          ASSERT_EQ(found != view.end(), present);
          ASSERT_EQ(map.contains(key), present);
          ASSERT_EQ(map.count(key), present ? 1u : 0u);
          if (present) {
            ASSERT_EQ(map.peek(key)->second.value, model.where.at(key)->second);
          }
          break;
        }
        case 2:
          ASSERT_EQ(map[key].value, present ? model.where.at(key)->second : 0);
          model.insert(key, 0);
          break;
        case 3: {
          const int v = fresh();
          map[key].value = v;
          model.insert(key, v);
          model.touch(key) = v;
          break;
        }
        case 4: {
          const int v = fresh();
          const auto [where, inserted] = map.insert({key, tracked(v)});
          ASSERT_EQ(inserted, model.insert(key, v));
          ASSERT_EQ(where, map.begin());
          break;
        }
        case 5: {
          const int v = fresh();
          ASSERT_EQ(map.emplace(key, v).second, model.insert(key, v));
          break;
        }
        case 6: {
          const int v = fresh();
          ASSERT_EQ(map.try_emplace(key, v).second, model.insert(key, v));
          break;
        }
        case 7: {
          const int v = fresh();
          ASSERT_EQ(map.insert_or_assign(key, tracked(v)).second, !present);
          model.insert(key, v);
          model.touch(key) = v;
          break;
        }
        case 8:
          ASSERT_EQ(map.erase(key), present ? 1u : 0u);
          if (present) model.remove(key, eviction_reason::erased);
          break;
        case 9:
          if (!model.order.empty()) {
            const std::size_t position = pick(model.order.size());
            const auto next = map.erase(std::next(map.begin(), static_cast<std::ptrdiff_t>(position)));
            const auto model_it = std::next(model.order.begin(), static_cast<std::ptrdiff_t>(position));
            const auto model_next = std::next(model_it);
            if (model_next == model.order.end()) {
              ASSERT_EQ(next, map.end());
            } else {
              ASSERT_EQ(next->first, model_next->first);
            }
            model.remove(model_it->first, eviction_reason::erased);
          }
          break;
        case 10:
          if (present) {
            ASSERT_EQ(map.at(key).value, model.touch(key));
          } else {
            ASSERT_THROW(map.at(key), std::out_of_range);
          }
          break;
        case 11:
          if (pick(6) == 0) {
            map.clear();
            model.clear(eviction_reason::cleared);
          }
          break;
        case 12: {
          const std::size_t new_capacity = 1 + pick(12);
          map.set_capacity(new_capacity);
          model.capacity = new_capacity;
          model.trim();
          break;
        }
        case 13: {
          map_type copy(map);
          copy.set_eviction_callback(nullptr);  // it would report its own destruction
          ASSERT_TRUE(copy == map);
          map = copy;  // the old entries are reported as cleared
          model.clear(eviction_reason::cleared);
          for (const auto& entry : copy) model.order.emplace_back(entry.first, entry.second.value);
          for (auto it = model.order.begin(); it != model.order.end(); ++it) model.where[it->first] = it;
          break;
        }
        case 14: {
          std::vector<std::pair<int, tracked>> batch;
          const std::size_t count = pick(model.capacity + 2);
          for (std::size_t i = 0; i < count; ++i)
            batch.emplace_back(static_cast<int>(pick(2 * model.capacity + 3)), tracked(fresh()));
          map.insert(batch.begin(), batch.end());
          for (const auto& [k, v] : batch) model.insert(k, v.value);
          break;
        }
        case 15:
          for (auto& entry : map) entry.second.value += 1;  // iteration is not use
          for (auto& entry : model.order) entry.second += 1;
          break;
        case 16:
          if (!model.order.empty()) {
            const std::size_t from = pick(model.order.size() + 1);
            const std::size_t to = from + pick(model.order.size() - from + 1);
            std::vector<int> doomed;
            auto it = std::next(model.order.begin(), static_cast<std::ptrdiff_t>(from));
            for (std::size_t i = from; i < to; ++i, ++it) doomed.push_back(it->first);
            map.erase(std::next(map.cbegin(), static_cast<std::ptrdiff_t>(from)),
                      std::next(map.cbegin(), static_cast<std::ptrdiff_t>(to)));
            for (int k : doomed) model.remove(k, eviction_reason::erased);
          }
          break;
        case 17: {
          const int v = fresh();
          const auto hinted = map.try_emplace(map.cbegin(), key, v);
          model.insert(key, v);
          ASSERT_EQ(hinted->first, key);
          break;
        }
        case 18: {
          const int v = fresh();
          tracked incoming(v);
          ASSERT_EQ(map.insert_or_assign(key, incoming).second, !present);
          model.insert(key, v);
          model.touch(key) = v;
          break;
        }
      }
      ASSERT_NO_FATAL_FAILURE(expect_matches(map, model, log, 0));
    }
  }

  // Random inserts, lookups and removals while copies, hashing and the
  // callback fail at random. Operations documented as strong must leave the
  // map exactly as it was; the others must leave it valid.
  void run_with_failures(std::uint32_t seed, int operations) {
    random_.seed(seed);
    lru_model model;
    model.capacity = 5;
    std::vector<removal> log;
    int callback_calls_until_throw = 0;
    map_type map{5};
    map.set_eviction_callback([&](const int& key, tracked& value, eviction_reason reason) {
      if (callback_calls_until_throw > 0 && --callback_calls_until_throw == 0)
        throw std::runtime_error("callback failed");
      log.push_back({key, value.value, reason});
    });
    int failures = 0;

    for (int step = 0; step < operations; ++step) {
      const std::size_t op = pick(10);
      SCOPED_TRACE("seed " + std::to_string(seed) + " step " + std::to_string(step) + " op " +
                   std::to_string(op));
      const int key = static_cast<int>(pick(12));
      const int v = fresh();
      const tracked incoming(v);
      const lru_model before = model;
      const bool strong = op < 7;
      switch (pick(3)) {
        case 0:
          tracked::copies_until_throw = 1 + static_cast<int>(pick(3));
          break;
        case 1:
          colliding_hash::calls_until_throw = 1 + static_cast<int>(pick(4));
          break;
        default:
          callback_calls_until_throw = 1 + static_cast<int>(pick(3));
          break;
      }
      bool threw = false;
      try {
        switch (op) {
          case 0:
            model.insert(key, v);
            map.insert({key, incoming});
            break;
          case 1:
            model.insert(key, v);
            map.try_emplace(key, incoming);
            break;
          case 2:
            model.insert(key, v);
            map.emplace(key, incoming);
            break;
          case 3:
            model.insert(key, v);
            model.touch(key) = v;
            map.insert_or_assign(key, incoming);
            break;
          case 4:
            model.insert(key, 0);
            map[key];
            break;
          case 5:
            if (model.has(key)) model.remove(key, eviction_reason::erased);
            map.erase(key);
            break;
          case 6:
            if (model.has(key)) model.touch(key);
            map.find(key);
            break;
          case 7: {
            map_type copy(map);
            copy.set_eviction_callback(nullptr);  // it would report its own destruction
            map = copy;
            break;
          }
          case 8:
            map.clear();
            break;
          case 9:
            map.set_capacity(1 + pick(6));
            break;
        }
      } catch (const std::runtime_error&) {
        threw = true;
        ++failures;
      }
      tracked::copies_until_throw = 0;
      colliding_hash::calls_until_throw = 0;
      callback_calls_until_throw = 0;
      if (threw && strong) {
        model = before;
      } else if (!strong) {
        // Basic guarantee (or no model of the outcome): check the map is
        // consistent, then continue from its state.
        lru_model now;
        now.capacity = map.capacity();
        for (const auto& entry : map) now.order.emplace_back(entry.first, entry.second.value);
        for (auto it = now.order.begin(); it != now.order.end(); ++it) {
          ASSERT_TRUE(now.where.emplace(it->first, it).second) << "duplicate key";
          ASSERT_EQ(map.peek(it->first)->second.value, it->second);
        }
        now.removed = log;
        now.evictions = map.eviction_count();
        now.high_water = map.high_water_size();
        model = now;
      }
      ASSERT_NO_FATAL_FAILURE(expect_matches(map, model, log, 1));
    }
    EXPECT_GT(failures, operations / 10) << "the test must actually inject failures";
  }
};

using hashes = ::testing::Types<std::hash<int>, colliding_hash>;
TYPED_TEST_SUITE(randomized_lru, hashes);

TYPED_TEST(randomized_lru, matches_a_list_and_hash_map_model) {
  const std::size_t capacities[] = {1, 2, 3, 7, 40};
  std::uint32_t seed = 1;
  for (std::size_t capacity : capacities) {
    for (int round = 0; round < 3; ++round)
      ASSERT_NO_FATAL_FAILURE(this->run(seed++, capacity, 1500));
  }
}

TYPED_TEST(randomized_lru, failures_leave_the_map_valid_and_inserts_unchanged) {
  for (std::uint32_t seed = 100; seed < 103; ++seed)
    ASSERT_NO_FATAL_FAILURE(this->run_with_failures(seed, 2000));
}

}  // namespace
