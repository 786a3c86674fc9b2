#include <leakguard/ring_buffer.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <deque>
#include <iterator>
#include <memory>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

using leakguard::ring_buffer;

// --- test element types -----------------------------------------------------

// Counts live instances, detects use of destroyed objects, and can be told to
// throw from its copy constructor on the n-th copy.
struct tracked {
  static constexpr unsigned kAlive = 0xA11CEu;
  static inline long live = 0;
  static inline int copies_until_throw = 0;  // 0 = never throw
  static inline bool saw_dead_object = false;

  int value = 0;
  unsigned state = kAlive;

  explicit tracked(int v) : value(v) { ++live; }
  tracked() { ++live; }
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

struct allocation_stats {
  std::size_t allocations = 0;
  std::size_t deallocations = 0;
  std::size_t live_elements = 0;
};

// Stateful, non-propagating: exercises the element-wise paths of move
// assignment and the allocator-extended constructors.
template <class T>
struct counting_allocator {
  using value_type = T;
  allocation_stats* stats;

  explicit counting_allocator(allocation_stats* s) noexcept : stats(s) {}
  template <class U>
  counting_allocator(const counting_allocator<U>& other) noexcept : stats(other.stats) {}

  T* allocate(std::size_t n) {
    ++stats->allocations;
    stats->live_elements += n;
    return std::allocator<T>().allocate(n);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    ++stats->deallocations;
    stats->live_elements -= n;
    std::allocator<T>().deallocate(p, n);
  }
  friend bool operator==(const counting_allocator& a, const counting_allocator& b) {
    return a.stats == b.stats;
  }
  friend bool operator!=(const counting_allocator& a, const counting_allocator& b) {
    return !(a == b);
  }
};

template <class Ring>
std::vector<int> values_of(const Ring& ring) {
  std::vector<int> out;
  for (const auto& element : ring) out.push_back(element.value);
  return out;
}

std::vector<int> ints_of(const ring_buffer<int>& ring) { return {ring.begin(), ring.end()}; }

class ring_buffer_test : public ::testing::Test {
 protected:
  void SetUp() override {
    tracked::live = 0;
    tracked::copies_until_throw = 0;
    tracked::saw_dead_object = false;
  }
  void TearDown() override {
    EXPECT_EQ(tracked::live, 0) << "tracked objects leaked or destroyed twice";
    EXPECT_FALSE(tracked::saw_dead_object) << "a destroyed element was used";
  }
};

// --- construction, capacity -------------------------------------------------

struct member_holder {
  // Exactly what leak-unbounded-container's fix-it writes.
  leakguard::ring_buffer<int> ints_{1024};
  leakguard::ring_buffer<std::size_t> sizes_{1024};
  leakguard::ring_buffer<std::string> strings_{1024};
};

TEST_F(ring_buffer_test, brace_initialised_member_takes_a_capacity_not_an_element) {
  member_holder holder;
  EXPECT_EQ(holder.ints_.capacity(), 1024u);
  EXPECT_TRUE(holder.ints_.empty());
  EXPECT_EQ(holder.sizes_.capacity(), 1024u);
  EXPECT_TRUE(holder.sizes_.empty());
  EXPECT_EQ(holder.strings_.capacity(), 1024u);
  static_assert(!std::is_convertible<std::size_t, ring_buffer<int>>::value,
                "the capacity constructor must be explicit");
}

TEST_F(ring_buffer_test, capacity_and_list_form_keeps_the_newest_elements) {
  ring_buffer<int> ring{3, {1, 2, 3, 4, 5}};
  EXPECT_EQ(ints_of(ring), (std::vector<int>{3, 4, 5}));
  EXPECT_EQ(ring.capacity(), 3u);
  EXPECT_EQ(ring.eviction_count(), 2u);

  std::vector<int> source{7, 8};
  ring_buffer<int> from_range(4, source.begin(), source.end());
  EXPECT_EQ(ints_of(from_range), source);
}

TEST_F(ring_buffer_test, zero_capacity_is_rejected) {
  EXPECT_THROW(ring_buffer<int>{0}, std::invalid_argument);
  EXPECT_THROW((ring_buffer<int>(0, {1, 2})), std::invalid_argument);
  ring_buffer<int> ring{2, {1, 2}};
  EXPECT_THROW(ring.set_capacity(0), std::invalid_argument);
  EXPECT_EQ(ints_of(ring), (std::vector<int>{1, 2}));
  EXPECT_EQ(ring.capacity(), 2u);
}

TEST_F(ring_buffer_test, capacity_beyond_max_size_is_a_length_error) {
  ring_buffer<int> probe{1};
  EXPECT_THROW(ring_buffer<int>{probe.max_size() + 1}, std::length_error);
  EXPECT_THROW(probe.reserve(probe.max_size() + 1), std::length_error);
}

TEST_F(ring_buffer_test, storage_is_allocated_lazily_and_grows_geometrically) {
  allocation_stats stats;
  {
    ring_buffer<int, counting_allocator<int>> ring(1'000'000, counting_allocator<int>(&stats));
    EXPECT_EQ(stats.allocations, 0u);
    for (int i = 0; i < 1000; ++i) ring.push_back(i);
    EXPECT_LE(stats.allocations, 11u);  // 1, 2, 4, ..., 1024
    EXPECT_LT(stats.live_elements, 2048u);
  }
  EXPECT_EQ(stats.allocations, stats.deallocations);
  EXPECT_EQ(stats.live_elements, 0u);
}

TEST_F(ring_buffer_test, reserve_keeps_the_vector_meaning) {
  allocation_stats stats;
  ring_buffer<int, counting_allocator<int>> ring(100, counting_allocator<int>(&stats));
  ring.reserve(50);
  EXPECT_EQ(ring.capacity(), 100u) << "reserve below the bound must not shrink it";
  EXPECT_EQ(stats.allocations, 1u);
  for (int i = 0; i < 50; ++i) ring.push_back(i);
  EXPECT_EQ(stats.allocations, 1u) << "pushes up to the reserved count must not reallocate";

  ring.reserve(200);
  EXPECT_EQ(ring.capacity(), 200u) << "reserve beyond the bound raises it, like vector's capacity";
  for (int i = 50; i < 200; ++i) ring.push_back(i);
  EXPECT_EQ(ring.size(), 200u);
  EXPECT_EQ(ring.eviction_count(), 0u);
  EXPECT_EQ(ring.front(), 0);
}

TEST_F(ring_buffer_test, shrink_to_fit_releases_storage_but_keeps_the_bound) {
  allocation_stats stats;
  ring_buffer<int, counting_allocator<int>> ring(64, counting_allocator<int>(&stats));
  ring.reserve(64);
  for (int i = 0; i < 10; ++i) ring.push_back(i);
  EXPECT_EQ(stats.live_elements, 64u);
  ring.shrink_to_fit();
  EXPECT_EQ(stats.live_elements, 10u);
  EXPECT_EQ(ring.capacity(), 64u);
  EXPECT_EQ(ring.front(), 0);
  EXPECT_EQ(ring.back(), 9);
  ring.clear();
  ring.shrink_to_fit();
  EXPECT_EQ(stats.live_elements, 0u);
}

TEST_F(ring_buffer_test, set_capacity_shrinking_evicts_the_oldest) {
  std::vector<int> evicted;
  ring_buffer<int> ring{5, {1, 2, 3, 4, 5}};
  ring.set_eviction_callback([&](int& v) { evicted.push_back(v); });
  ring.set_capacity(2);
  EXPECT_EQ(ints_of(ring), (std::vector<int>{4, 5}));
  EXPECT_EQ(evicted, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(ring.eviction_count(), 3u);
  ring.set_capacity(4);
  ring.push_back(6);
  ring.push_back(7);
  EXPECT_EQ(ints_of(ring), (std::vector<int>{4, 5, 6, 7}));
}

TEST_F(ring_buffer_test, size_naming_operations_refuse_more_than_capacity) {
  ring_buffer<int> ring{3, {1, 2}};
  EXPECT_THROW(ring.resize(4), std::length_error);
  EXPECT_THROW(ring.resize(4, 9), std::length_error);
  EXPECT_THROW(ring.assign(4, 9), std::length_error);
  EXPECT_EQ(ints_of(ring), (std::vector<int>{1, 2}));
  ring.resize(3, 9);
  EXPECT_EQ(ints_of(ring), (std::vector<int>{1, 2, 9}));
  ring.resize(1);
  EXPECT_EQ(ints_of(ring), (std::vector<int>{1}));
  ring.resize(2);
  EXPECT_EQ(ints_of(ring), (std::vector<int>{1, 0}));
  ring.assign(3, 4);
  EXPECT_EQ(ints_of(ring), (std::vector<int>{4, 4, 4}));
  EXPECT_EQ(ring.eviction_count(), 0u);
}

TEST_F(ring_buffer_test, at_checks_the_index) {
  ring_buffer<int> ring{3, {1, 2}};
  EXPECT_EQ(ring.at(1), 2);
  EXPECT_THROW(ring.at(2), std::out_of_range);
  const ring_buffer<int>& view = ring;
  EXPECT_THROW(view.at(5), std::out_of_range);
}

// --- eviction ---------------------------------------------------------------

TEST_F(ring_buffer_test, full_push_evicts_the_oldest_and_reports_it) {
  std::vector<int> evicted;
  ring_buffer<tracked> ring{3};
  ring.set_eviction_callback([&](tracked& t) { evicted.push_back(t.value); });
  for (int i = 1; i <= 7; ++i) ring.emplace_back(i);
  EXPECT_EQ(values_of(ring), (std::vector<int>{5, 6, 7}));
  EXPECT_EQ(evicted, (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(ring.eviction_count(), 4u);
  EXPECT_EQ(ring.high_water_size(), 3u);
  EXPECT_EQ(tracked::live, 3);

  // Explicit removals are not evictions.
  ring.pop_front();
  ring.pop_back();
  ring.clear();
  EXPECT_EQ(ring.eviction_count(), 4u);
  EXPECT_EQ(evicted.size(), 4u);
}

TEST_F(ring_buffer_test, full_push_front_drops_the_back) {
  std::vector<int> evicted;
  ring_buffer<int> ring{3, {1, 2, 3}};
  ring.set_eviction_callback([&](int& v) { evicted.push_back(v); });
  ring.push_front(0);
  ring.emplace_front(-1);
  EXPECT_EQ(ints_of(ring), (std::vector<int>{-1, 0, 1}));
  EXPECT_EQ(evicted, (std::vector<int>{3, 2}));
}

TEST_F(ring_buffer_test, evicted_element_releases_its_resources_during_the_push) {
  ring_buffer<std::shared_ptr<int>> ring{2};
  auto first = std::make_shared<int>(1);
  std::weak_ptr<int> watch = first;
  ring.push_back(std::move(first));
  ring.push_back(std::make_shared<int>(2));
  EXPECT_FALSE(watch.expired());
  ring.push_back(std::make_shared<int>(3));
  EXPECT_TRUE(watch.expired()) << "the dropped element must be destroyed, not kept around";
}

TEST_F(ring_buffer_test, callback_may_take_ownership_of_the_evicted_element) {
  std::vector<std::unique_ptr<int>> archive;
  ring_buffer<std::unique_ptr<int>> ring{2};
  ring.set_eviction_callback([&](std::unique_ptr<int>& p) { archive.push_back(std::move(p)); });
  for (int i = 0; i < 5; ++i) ring.push_back(std::make_unique<int>(i));
  ASSERT_EQ(archive.size(), 3u);
  EXPECT_EQ(*archive[0], 0);
  EXPECT_EQ(*archive[2], 2);
  EXPECT_EQ(*ring.front(), 3);
  EXPECT_EQ(*ring.back(), 4);
}

TEST_F(ring_buffer_test, throwing_callback_leaves_the_buffer_unchanged) {
  ring_buffer<tracked> ring{2};
  ring.emplace_back(1);
  ring.emplace_back(2);
  ring.set_eviction_callback([](tracked&) { throw std::runtime_error("refused"); });
  EXPECT_THROW(ring.emplace_back(3), std::runtime_error);
  EXPECT_THROW(ring.push_front(tracked(0)), std::runtime_error);
  EXPECT_EQ(values_of(ring), (std::vector<int>{1, 2}));
  EXPECT_EQ(ring.eviction_count(), 0u);
  EXPECT_EQ(tracked::live, 2);
}

// --- aliasing: the argument is the element about to be dropped or moved ------

TEST_F(ring_buffer_test, pushing_an_element_of_the_full_buffer_copies_it_first) {
  ring_buffer<tracked> ring{3};
  for (int i = 1; i <= 3; ++i) ring.emplace_back(i);
  ring.push_back(ring.front());  // front() is the element this push drops
  EXPECT_EQ(values_of(ring), (std::vector<int>{2, 3, 1}));
  ring.push_front(ring.back());  // back() is the element this push drops
  EXPECT_EQ(values_of(ring), (std::vector<int>{1, 2, 3}));
  ring.emplace_back(ring.front());
  EXPECT_EQ(values_of(ring), (std::vector<int>{2, 3, 1}));
}

TEST_F(ring_buffer_test, pushing_an_element_while_growing_copies_it_first) {
  ring_buffer<tracked> ring{64};
  ring.emplace_back(1);
  for (int i = 0; i < 20; ++i) ring.push_back(ring.front());  // reallocates along the way
  EXPECT_EQ(ring.size(), 21u);
  for (const tracked& t : ring) EXPECT_EQ(t.value, 1);
  ring.resize(30, ring.back());
  EXPECT_EQ(ring.size(), 30u);
  ring.assign(5, ring[3]);
  EXPECT_EQ(values_of(ring), (std::vector<int>(5, 1)));
}

// --- iterators and algorithms ---------------------------------------------------

// A buffer whose storage wraps: front is not in slot 0.
ring_buffer<int> wrapped_ring(std::vector<int> values) {
  ring_buffer<int> ring{values.size()};
  ring.reserve(values.size());
  for (std::size_t i = 0; i < values.size() / 2 + 1; ++i) ring.push_back(-1);
  for (int v : values) ring.push_back(v);
  return ring;
}

TEST_F(ring_buffer_test, iterators_model_random_access) {
  using it = ring_buffer<int>::iterator;
  using cit = ring_buffer<int>::const_iterator;
  static_assert(std::is_same<std::iterator_traits<it>::iterator_category,
                             std::random_access_iterator_tag>::value);
  static_assert(std::is_same<std::iterator_traits<cit>::reference, const int&>::value);
  static_assert(std::is_convertible<it, cit>::value);
  static_assert(!std::is_convertible<cit, it>::value);
  static_assert(std::is_default_constructible<it>::value);

  ring_buffer<int> ring = wrapped_ring({10, 11, 12, 13, 14});
  it first = ring.begin();
  EXPECT_EQ(*first, 10);
  EXPECT_EQ(*(first + 3), 13);
  EXPECT_EQ(*(3 + first), 13);
  EXPECT_EQ(first[4], 14);
  EXPECT_EQ(*(ring.end() - 1), 14);
  EXPECT_EQ(ring.end() - first, 5);
  EXPECT_EQ(first - ring.end(), -5);
  it walker = first;
  walker += 4;
  walker -= 2;
  EXPECT_EQ(*walker, 12);
  EXPECT_EQ(*walker++, 12);
  EXPECT_EQ(*walker--, 13);
  EXPECT_EQ(*--walker, 11);
  EXPECT_EQ(*++walker, 12);
  EXPECT_TRUE(first < walker && walker > first && first <= walker && walker >= first);
  EXPECT_FALSE(walker < first);

  cit constant = walker;  // mixed comparisons and differences
  EXPECT_TRUE(constant == walker && walker == constant);
  EXPECT_FALSE(constant != walker);
  EXPECT_TRUE(first < constant);
  EXPECT_EQ(constant - first, 2);
  EXPECT_EQ(ring.cend() - ring.cbegin(), 5);

  *first = 98;
  EXPECT_EQ(ring.front(), 98);
  EXPECT_EQ(std::vector<int>(ring.rbegin(), ring.rend()), (std::vector<int>{14, 13, 12, 11, 98}));
  EXPECT_EQ(*ring.crbegin(), 14);
}

TEST_F(ring_buffer_test, std_algorithms_work_on_a_wrapped_buffer) {
  std::mt19937 random(7);
  std::vector<int> values(97);
  std::iota(values.begin(), values.end(), 0);
  std::shuffle(values.begin(), values.end(), random);
  ring_buffer<int> ring = wrapped_ring(values);

  EXPECT_EQ(std::accumulate(ring.begin(), ring.end(), 0L), std::accumulate(values.begin(), values.end(), 0L));
  const auto found = std::find(ring.begin(), ring.end(), values[60]);
  ASSERT_NE(found, ring.end());
  EXPECT_EQ(found - ring.begin(), 60);
  EXPECT_EQ(std::find(ring.begin(), ring.end(), 1000), ring.end());
  EXPECT_EQ(std::count_if(ring.begin(), ring.end(), [](int v) { return v % 2 == 0; }), 49);

  std::sort(ring.begin(), ring.end());
  std::vector<int> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(ints_of(ring), sorted);
  EXPECT_TRUE(std::is_sorted(ring.cbegin(), ring.cend()));
  EXPECT_EQ(*std::lower_bound(ring.begin(), ring.end(), 42), 42);

  std::reverse(ring.begin(), ring.end());
  EXPECT_EQ(ring.front(), 96);
  // Not std::stable_sort: with libstdc++ 12 it trips clang's deprecation
  // warning for get_temporary_buffer, on a std::vector too.
  std::make_heap(ring.begin(), ring.end());
  EXPECT_EQ(ring.front(), 96);
  std::sort_heap(ring.begin(), ring.end());
  EXPECT_EQ(ints_of(ring), sorted);
  std::reverse(ring.begin(), ring.end());
  std::partial_sort(ring.begin(), ring.begin() + 5, ring.end());
  EXPECT_EQ(std::vector<int>(ring.begin(), ring.begin() + 5), (std::vector<int>{0, 1, 2, 3, 4}));
  std::sort(ring.begin(), ring.end());
  std::nth_element(ring.begin(), ring.begin() + 10, ring.end(), std::greater<int>());
  EXPECT_EQ(ring[10], 86);
}

TEST_F(ring_buffer_test, iterators_survive_pushes_and_pops_at_the_ends) {
  ring_buffer<int> ring{8};
  ring.reserve(8);  // no reallocation from here on
  for (int i = 0; i < 8; ++i) ring.push_back(i);
  auto third = ring.begin() + 3;
  int& third_ref = *third;
  ring.push_back(8);  // drops 0
  ring.pop_front();   // removes 1
  ring.push_front(-1);
  ring.pop_back();
  EXPECT_EQ(*third, 3);
  EXPECT_EQ(&third_ref, &*third);
  EXPECT_EQ(third - ring.begin(), 2);
}

TEST_F(ring_buffer_test, sorting_move_only_elements) {
  ring_buffer<std::unique_ptr<int>> ring{6};
  for (int v : {5, 3, 9, 1, 7, 2, 8, 4}) ring.push_back(std::make_unique<int>(v));
  std::sort(ring.begin(), ring.end(), [](const auto& a, const auto& b) { return *a < *b; });
  std::vector<int> seen;
  for (const auto& p : ring) seen.push_back(*p);
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 4, 7, 8, 9}));
}

// --- middle insert / erase ------------------------------------------------------

TEST_F(ring_buffer_test, insert_into_a_full_buffer_keeps_the_newest_tail) {
  ring_buffer<int> ring{4, {1, 2, 3, 4}};
  std::vector<int> evicted;
  ring.set_eviction_callback([&](int& v) { evicted.push_back(v); });

  auto where = ring.insert(ring.begin() + 2, 99);  // 1 2 99 3 4 -> drop 1
  EXPECT_EQ(ints_of(ring), (std::vector<int>{2, 99, 3, 4}));
  EXPECT_EQ(*where, 99);

  where = ring.insert(ring.begin(), 50);  // 50 is older than everything kept
  EXPECT_EQ(ints_of(ring), (std::vector<int>{2, 99, 3, 4}));
  EXPECT_EQ(where, ring.begin());

  const std::vector<int> batch{7, 8, 9};
  where = ring.insert(ring.begin() + 1, batch.begin(), batch.end());  // 2 7 8 9 99 3 4
  EXPECT_EQ(ints_of(ring), (std::vector<int>{9, 99, 3, 4}));
  EXPECT_EQ(*where, 9);
  EXPECT_EQ(evicted, (std::vector<int>{1, 50, 2, 7, 8}));
  EXPECT_EQ(ring.eviction_count(), 5u);
}

TEST_F(ring_buffer_test, erase_removes_ranges_from_either_side) {
  ring_buffer<int> ring = wrapped_ring({0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  const std::size_t evictions_before = ring.eviction_count();
  auto next = ring.erase(ring.begin() + 1, ring.begin() + 3);  // shorter side: front
  EXPECT_EQ(ints_of(ring), (std::vector<int>{0, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(*next, 3);
  next = ring.erase(ring.end() - 3);  // shorter side: back
  EXPECT_EQ(ints_of(ring), (std::vector<int>{0, 3, 4, 5, 6, 8, 9}));
  EXPECT_EQ(*next, 8);
  next = ring.erase(ring.begin(), ring.end());
  EXPECT_TRUE(ring.empty());
  EXPECT_EQ(next, ring.end());
  EXPECT_EQ(ring.eviction_count(), evictions_before) << "erasing is not evicting";
}

// --- copy, move, swap, comparison --------------------------------------------------

TEST_F(ring_buffer_test, copies_and_moves_carry_contents_capacity_and_counters) {
  std::vector<int> evicted;
  ring_buffer<tracked> ring{3};
  ring.set_eviction_callback([&](tracked& t) { evicted.push_back(t.value); });
  for (int i = 0; i < 5; ++i) ring.emplace_back(i);

  ring_buffer<tracked> copy = ring;
  EXPECT_EQ(values_of(copy), (std::vector<int>{2, 3, 4}));
  EXPECT_EQ(copy.capacity(), 3u);
  EXPECT_EQ(copy.eviction_count(), 2u);
  copy.emplace_back(5);
  EXPECT_EQ(evicted, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(values_of(ring), (std::vector<int>{2, 3, 4})) << "the copy is independent";

  ring_buffer<tracked> moved = std::move(ring);
  EXPECT_EQ(values_of(moved), (std::vector<int>{2, 3, 4}));
  EXPECT_EQ(moved.eviction_count(), 2u);
  // The moved-from buffer is empty, keeps its capacity and is usable.
  EXPECT_TRUE(ring.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(ring.capacity(), 3u);
  EXPECT_EQ(ring.eviction_count(), 0u);
  for (int i = 0; i < 4; ++i) ring.emplace_back(10 + i);
  EXPECT_EQ(values_of(ring), (std::vector<int>{11, 12, 13}));
  EXPECT_EQ(evicted.size(), 3u) << "the moved-from buffer has no callback";

  ring = moved;
  EXPECT_EQ(values_of(ring), (std::vector<int>{2, 3, 4}));
  ring = std::move(copy);
  EXPECT_EQ(values_of(ring), (std::vector<int>{3, 4, 5}));
  ring = {tracked(1)};
  EXPECT_EQ(values_of(ring), (std::vector<int>{1}));
  EXPECT_EQ(ring.capacity(), 3u);
}

TEST_F(ring_buffer_test, assignment_and_swap_keep_each_buffers_callback) {
  std::vector<int> mine;
  std::vector<int> theirs;
  ring_buffer<int> target{2};
  target.set_eviction_callback([&](int& v) { mine.push_back(v); });
  ring_buffer<int> source{3, {1, 2, 3}};
  source.set_eviction_callback([&](int& v) { theirs.push_back(v); });

  target = source;
  target.push_back(4);
  target = ring_buffer<int>{1, {5}};
  target.push_back(6);
  ring_buffer<int> unobserved{1};
  swap(target, unobserved);
  target.push_back(7);
  target.push_back(8);
  unobserved.push_back(9);
  EXPECT_EQ(mine, (std::vector<int>{1, 5, 7}));
  EXPECT_TRUE(theirs.empty());
  EXPECT_FALSE(unobserved.get_eviction_callback());

  ring_buffer<int> constructed = std::move(source);  // construction takes it
  constructed.push_back(10);
  EXPECT_EQ(theirs, (std::vector<int>{1}));
  EXPECT_FALSE(source.get_eviction_callback());  // NOLINT(bugprone-use-after-move)
}

TEST_F(ring_buffer_test, allocators_are_respected_by_copies_and_moves) {
  allocation_stats first_stats;
  allocation_stats second_stats;
  using alloc = counting_allocator<tracked>;
  {
    ring_buffer<tracked, alloc> first(4, alloc(&first_stats));
    for (int i = 0; i < 6; ++i) first.emplace_back(i);
    ring_buffer<tracked, alloc> second(2, alloc(&second_stats));
    second.emplace_back(100);

    second = std::move(first);  // unequal, non-propagating: element-wise
    EXPECT_EQ(values_of(second), (std::vector<int>{2, 3, 4, 5}));
    EXPECT_EQ(second.capacity(), 4u);
    EXPECT_TRUE(first.empty());  // NOLINT(bugprone-use-after-move)
    EXPECT_TRUE(second.get_allocator() == alloc(&second_stats));

    ring_buffer<tracked, alloc> third(second, alloc(&first_stats));
    EXPECT_EQ(values_of(third), values_of(second));
    ring_buffer<tracked, alloc> fourth(std::move(third), alloc(&second_stats));
    EXPECT_EQ(values_of(fourth), (std::vector<int>{2, 3, 4, 5}));
    first = second;
    EXPECT_TRUE(first.get_allocator() == alloc(&first_stats));
    EXPECT_EQ(first, second);
  }
  EXPECT_EQ(first_stats.allocations, first_stats.deallocations);
  EXPECT_EQ(second_stats.allocations, second_stats.deallocations);
  EXPECT_EQ(first_stats.live_elements + second_stats.live_elements, 0u);
}

TEST_F(ring_buffer_test, swap_exchanges_everything) {
  ring_buffer<int> a{2, {1, 2, 3}};
  ring_buffer<int> b{5, {7}};
  int& seven = b.front();
  swap(a, b);
  EXPECT_EQ(ints_of(a), (std::vector<int>{7}));
  EXPECT_EQ(a.capacity(), 5u);
  EXPECT_EQ(ints_of(b), (std::vector<int>{2, 3}));
  EXPECT_EQ(b.eviction_count(), 1u);
  EXPECT_EQ(&seven, &a.front()) << "references follow the elements";
}

TEST_F(ring_buffer_test, comparisons_match_std_vector) {
  std::mt19937 random(11);
  std::uniform_int_distribution<int> length(0, 4);
  std::uniform_int_distribution<int> digit(0, 2);
  for (int round = 0; round < 500; ++round) {
    std::vector<int> x(static_cast<std::size_t>(length(random)));
    std::vector<int> y(static_cast<std::size_t>(length(random)));
    for (int& v : x) v = digit(random);
    for (int& v : y) v = digit(random);
    const ring_buffer<int> rx(8, x.begin(), x.end());
    const ring_buffer<int> ry(3 + static_cast<std::size_t>(round % 5), y.begin(), y.end());
    if (ry.size() != y.size()) continue;  // y was trimmed by the smaller bound
    EXPECT_EQ(rx == ry, x == y);
    EXPECT_EQ(rx != ry, x != y);
    EXPECT_EQ(rx < ry, x < y);
    EXPECT_EQ(rx <= ry, x <= y);
    EXPECT_EQ(rx > ry, x > y);
    EXPECT_EQ(rx >= ry, x >= y);
  }
}

// --- code written against std::vector / std::deque compiles unchanged ---------------

template <class Sequence>
std::vector<int> use_like_a_vector(Sequence& seq) {
  seq.push_back(3);
  seq.emplace_back(1);
  seq.push_back(2);
  seq.insert(seq.end(), 5);
  if (!seq.empty() && seq.back() == 5) seq.back() = 4;
  seq[0] += 10;
  std::sort(seq.begin(), seq.end());
  seq.erase(seq.begin());
  seq.erase(std::remove(seq.begin(), seq.end(), 4), seq.end());
  std::vector<int> out;
  for (const auto& v : seq) out.push_back(v);
  out.push_back(static_cast<int>(seq.size()));
  out.push_back(seq.front());
  out.push_back(*std::max_element(seq.cbegin(), seq.cend()));
  Sequence copy = seq;
  out.push_back(copy == seq ? 1 : 0);
  return out;
}

template <class Sequence>
std::vector<int> use_like_a_deque(Sequence& seq) {
  seq.push_front(1);
  seq.emplace_front(0);
  seq.push_back(2);
  seq.pop_front();
  seq.resize(4);
  return {seq.begin(), seq.end()};
}

TEST_F(ring_buffer_test, vector_and_deque_code_behaves_the_same_within_capacity) {
  std::vector<int> vector;
  std::deque<int> deque;
  ring_buffer<int> ring{1024};
  const std::vector<int> expected = use_like_a_vector(vector);
  EXPECT_EQ(use_like_a_vector(deque), expected);
  EXPECT_EQ(use_like_a_vector(ring), expected);

  std::deque<int> deque2;
  ring_buffer<int> ring2{16};
  EXPECT_EQ(use_like_a_deque(ring2), use_like_a_deque(deque2));
}

// --- randomized comparison with a std::deque model ---------------------------------

// The documented semantics, written the simple way.
struct ring_model {
  std::deque<int> items;
  std::size_t capacity = 0;
  std::vector<int> evicted;
  std::size_t high_water = 0;

  void trim_front() {
    while (items.size() > capacity) {
      evicted.push_back(items.front());
      items.pop_front();
    }
    note();
  }
  void note() { high_water = std::max(high_water, items.size()); }
  void push_back(int v) {
    items.push_back(v);
    trim_front();
  }
  void push_front(int v) {
    items.push_front(v);
    if (items.size() > capacity) {
      evicted.push_back(items.back());
      items.pop_back();
    }
    note();
  }
  // Returns the index of the first inserted element kept (0 if none).
  std::size_t insert(std::size_t index, const std::vector<int>& values) {
    items.insert(items.begin() + static_cast<std::ptrdiff_t>(index), values.begin(), values.end());
    const std::size_t excess = items.size() > capacity ? items.size() - capacity : 0;
    trim_front();
    return index - std::min(index, excess);
  }
};

class randomized_ring : public ring_buffer_test {
 protected:
  std::mt19937 random_{0};
  int next_value_ = 0;

  std::size_t pick(std::size_t below) {
    return std::uniform_int_distribution<std::size_t>(0, below - 1)(random_);
  }
  int fresh() { return ++next_value_; }
  std::vector<int> fresh_values(std::size_t count) {
    std::vector<int> out(count);
    for (int& v : out) v = fresh();
    return out;
  }

  static void expect_matches(const ring_buffer<tracked>& ring, const ring_model& model,
                             const std::vector<int>& evicted_log, long extra_live) {
    ASSERT_EQ(ring.capacity(), model.capacity);
    ASSERT_LE(ring.size(), ring.capacity());
    ASSERT_EQ(ring.full(), ring.size() == ring.capacity());
    const std::vector<int> expected(model.items.begin(), model.items.end());
    ASSERT_EQ(values_of(ring), expected);
    ASSERT_EQ(ring.end() - ring.begin(), static_cast<std::ptrdiff_t>(expected.size()));
    std::vector<int> by_index;
    for (std::size_t i = 0; i < ring.size(); ++i) by_index.push_back(ring[i].value);
    ASSERT_EQ(by_index, expected);
    std::vector<int> backwards;
    for (auto it = ring.rbegin(); it != ring.rend(); ++it) backwards.push_back(it->value);
    ASSERT_TRUE(std::equal(backwards.rbegin(), backwards.rend(), expected.begin(), expected.end()));
    if (!expected.empty()) {
      ASSERT_EQ(ring.front().value, expected.front());
      ASSERT_EQ(ring.back().value, expected.back());
    }
    ASSERT_EQ(evicted_log, model.evicted);
    ASSERT_EQ(ring.eviction_count(), model.evicted.size());
    ASSERT_EQ(ring.high_water_size(), model.high_water);
    ASSERT_EQ(tracked::live, static_cast<long>(ring.size()) + extra_live);
    ASSERT_FALSE(tracked::saw_dead_object);
  }

  // `operations` random operations on a buffer and the model, compared after each.
  void run(std::uint32_t seed, std::size_t initial_capacity, int operations) {
    random_.seed(seed);
    ring_model model;
    model.capacity = initial_capacity;
    std::vector<int> evicted_log;
    ring_buffer<tracked> ring{initial_capacity};
    ring.set_eviction_callback([&](tracked& t) { evicted_log.push_back(t.value); });

    for (int step = 0; step < operations; ++step) {
      const std::size_t op = pick(22);
      SCOPED_TRACE("seed " + std::to_string(seed) + " step " + std::to_string(step) + " op " +
                   std::to_string(op));
      const std::size_t size = model.items.size();
      switch (op) {
        case 0:
        case 1:
        case 2: {
          const int v = fresh();
          ring.push_back(tracked(v));
          model.push_back(v);
          break;
        }
        case 3: {
          const int v = fresh();
          const tracked t(v);
          ring.push_back(t);
          model.push_back(v);
          break;
        }
        case 4: {
          const int v = fresh();
          ASSERT_EQ(ring.emplace_back(v).value, v);
          model.push_back(v);
          break;
        }
        case 5: {
          const int v = fresh();
          ASSERT_EQ(ring.emplace_front(v).value, v);
          model.push_front(v);
          break;
        }
        case 6:
          if (size != 0) {
            ring.pop_front();
            model.items.pop_front();
          }
          break;
        case 7:
          if (size != 0) {
            ring.pop_back();
            model.items.pop_back();
          }
          break;
        case 8: {
          const std::size_t index = pick(size + 1);
          const int v = fresh();
          const auto where = ring.insert(ring.cbegin() + static_cast<std::ptrdiff_t>(index), tracked(v));
          const std::size_t expected = model.insert(index, {v});
          ASSERT_EQ(where - ring.begin(), static_cast<std::ptrdiff_t>(expected));
          break;
        }
        case 9: {
          const std::size_t index = pick(size + 1);
          const std::vector<int> values = fresh_values(pick(model.capacity + 3));
          std::vector<tracked> source(values.begin(), values.end());
          const auto where = ring.insert(ring.begin() + static_cast<std::ptrdiff_t>(index),
                                         source.begin(), source.end());
          const std::size_t expected = model.insert(index, values);
          ASSERT_EQ(where - ring.begin(), static_cast<std::ptrdiff_t>(expected));
          break;
        }
        case 10:
          if (size != 0) {
            const std::size_t index = pick(size);
            const auto next = ring.erase(ring.begin() + static_cast<std::ptrdiff_t>(index));
            model.items.erase(model.items.begin() + static_cast<std::ptrdiff_t>(index));
            ASSERT_EQ(next - ring.begin(), static_cast<std::ptrdiff_t>(index));
          }
          break;
        case 11: {
          const std::size_t from = pick(size + 1);
          const std::size_t to = from + pick(size - from + 1);
          ring.erase(ring.begin() + static_cast<std::ptrdiff_t>(from),
                     ring.begin() + static_cast<std::ptrdiff_t>(to));
          model.items.erase(model.items.begin() + static_cast<std::ptrdiff_t>(from),
                            model.items.begin() + static_cast<std::ptrdiff_t>(to));
          break;
        }
        case 12:
          if (pick(8) == 0) {
            ring.clear();
            model.items.clear();
          }
          break;
        case 13: {
          const std::size_t count = pick(model.capacity + 1);
          const int v = fresh();
          ring.resize(count, tracked(v));
          model.items.resize(count, v);
          model.note();
          break;
        }
        case 14: {
          // Mostly within the bound; sometimes raises it, as vector's would.
          const std::size_t n = pick(model.capacity + 3);
          ring.reserve(n);
          model.capacity = std::max(model.capacity, n);
          break;
        }
        case 15:
          ring.shrink_to_fit();
          break;
        case 16: {
          const std::size_t capacity = 1 + pick(12);
          ring.set_capacity(capacity);
          model.capacity = capacity;
          model.trim_front();
          break;
        }
        case 17:
          if (size != 0) {
            const std::size_t index = pick(size);
            const int v = fresh();
            ring[index].value = v;
            model.items[index] = v;
          }
          break;
        case 18:
          std::sort(ring.begin(), ring.end(), [](const tracked& a, const tracked& b) {
            return a.value > b.value;
          });
          std::sort(model.items.begin(), model.items.end(), std::greater<int>());
          break;
        case 19:
          // Aliasing: the argument lives in the buffer.
          if (size != 0) {
            const std::size_t index = pick(size);
            const int v = model.items[index];
            if (pick(2) == 0) {
              ring.push_back(ring[index]);
              model.push_back(v);
            } else {
              ring.push_front(ring[index]);
              model.push_front(v);
            }
          }
          break;
        case 20: {
          ring_buffer<tracked> copy(ring);
          ASSERT_EQ(copy, ring);
          ring = std::move(copy);
          break;
        }
        case 21:
          if (size != 0) {
            const std::size_t index = pick(size);
            const std::size_t at = pick(size + 1);
            const int v = model.items[index];
            ring.emplace(ring.begin() + static_cast<std::ptrdiff_t>(at), ring[index]);
            model.insert(at, {v});
          }
          break;
      }
      ASSERT_NO_FATAL_FAILURE(expect_matches(ring, model, evicted_log, 0));
    }
  }
};

TEST_F(randomized_ring, matches_a_deque_model) {
  const std::size_t capacities[] = {1, 2, 3, 5, 8, 33};
  std::uint32_t seed = 1;
  for (std::size_t capacity : capacities) {
    for (int round = 0; round < 3; ++round) ASSERT_NO_FATAL_FAILURE(run(seed++, capacity, 1500));
  }
}

// --- exception safety under random failures ------------------------------------------

TEST_F(randomized_ring, throwing_copies_leave_the_buffer_valid_and_mostly_unchanged) {
  random_.seed(99);
  ring_model model;
  model.capacity = 6;
  std::vector<int> evicted_log;
  ring_buffer<tracked> ring{6};
  ring.set_eviction_callback([&](tracked& t) { evicted_log.push_back(t.value); });
  int failures = 0;

  for (int step = 0; step < 4000; ++step) {
    SCOPED_TRACE("step " + std::to_string(step));
    const std::size_t op = pick(8);
    const std::size_t size = model.items.size();
    const std::size_t index = pick(size + 1);
    const std::vector<int> values = fresh_values(1 + pick(4));
    std::vector<tracked> source(values.begin(), values.end());
    const ring_model before = model;
    bool strong = true;
    tracked::copies_until_throw = 1 + static_cast<int>(pick(4));
    try {
      switch (op) {
        case 0:
          ring.push_back(source[0]);
          model.push_back(values[0]);
          break;
        case 1:
          ring.push_front(source[0]);
          model.push_front(values[0]);
          break;
        case 2:
          ring.insert(ring.begin() + static_cast<std::ptrdiff_t>(index), source[0]);
          model.insert(index, {values[0]});
          break;
        case 3:
          ring.insert(ring.begin() + static_cast<std::ptrdiff_t>(index), source.begin(), source.end());
          model.insert(index, values);
          break;
        case 4:
          ring.insert(ring.begin() + static_cast<std::ptrdiff_t>(index), 2, source[0]);
          model.insert(index, {values[0], values[0]});
          break;
        case 5: {
          ring_buffer<tracked> copy(ring);
          ASSERT_EQ(copy, ring);
          ring = copy;
          break;
        }
        case 6:
          strong = false;
          ring.resize(pick(model.capacity + 1), source[0]);
          break;
        case 7:
          strong = false;
          ring.assign(pick(model.capacity + 1), source[0]);
          break;
      }
      if (!strong) {
        const std::vector<int> now = values_of(ring);
        model.items.assign(now.begin(), now.end());
        model.note();
      }
    } catch (const std::runtime_error&) {
      ++failures;
      if (strong) {
        ASSERT_EQ(values_of(ring), std::vector<int>(before.items.begin(), before.items.end()))
            << "op " << op << " must give the strong guarantee";
        model = before;
      } else {
        const std::vector<int> kept = values_of(ring);
        model.items.assign(kept.begin(), kept.end());
        model.evicted = evicted_log;
        model.note();
      }
    }
    tracked::copies_until_throw = 0;
    ASSERT_NO_FATAL_FAILURE(
        expect_matches(ring, model, evicted_log, static_cast<long>(source.size())));
  }
  EXPECT_GT(failures, 1000) << "the test must actually inject failures";
}

// Move constructor that can throw, and no copy: the documented weaker cases.
struct fragile_move {
  static inline int moves_until_throw = 0;
  int value;
  explicit fragile_move(int v) : value(v) {}
  fragile_move(fragile_move&& other) : value(other.value) {
    if (moves_until_throw > 0 && --moves_until_throw == 0) throw std::runtime_error("move failed");
  }
  fragile_move& operator=(fragile_move&&) = default;
};

TEST_F(ring_buffer_test, throwing_move_after_the_drop_leaves_the_buffer_one_shorter) {
  ring_buffer<fragile_move> ring{2};
  ring.reserve(2);
  ring.emplace_back(1);
  ring.emplace_back(2);

  fragile_move::moves_until_throw = 1;  // building the incoming element fails
  EXPECT_THROW(ring.push_back(fragile_move(3)), std::runtime_error);
  ASSERT_EQ(ring.size(), 2u);
  EXPECT_EQ(ring.front().value, 1);

  fragile_move::moves_until_throw = 2;  // moving it into the freed slot fails
  EXPECT_THROW(ring.push_back(fragile_move(3)), std::runtime_error);
  ASSERT_EQ(ring.size(), 1u);
  EXPECT_EQ(ring.front().value, 2);
  EXPECT_EQ(ring.eviction_count(), 1u);

  fragile_move::moves_until_throw = 0;
  ring.emplace_back(4);
  ring.emplace_back(5);
  EXPECT_EQ(ring.front().value, 4);
  EXPECT_EQ(ring.back().value, 5);
}

TEST_F(ring_buffer_test, throwing_move_during_growth_keeps_the_elements) {
  ring_buffer<fragile_move> ring{8};
  ring.emplace_back(1);
  fragile_move::moves_until_throw = 1;  // relocating 1 into the grown storage fails
  EXPECT_THROW(ring.emplace_back(2), std::runtime_error);
  ASSERT_EQ(ring.size(), 1u);
  EXPECT_EQ(ring.front().value, 1);
  fragile_move::moves_until_throw = 2;  // storage grown, moving 2 into it fails
  EXPECT_THROW(ring.emplace_back(2), std::runtime_error);
  fragile_move::moves_until_throw = 0;
  ASSERT_EQ(ring.size(), 1u);
  EXPECT_EQ(ring.front().value, 1);
  ring.emplace_back(2);
  EXPECT_EQ(ring.back().value, 2);
}

// --- move-only elements -----------------------------------------------------------

TEST_F(ring_buffer_test, move_only_elements_support_the_whole_interface) {
  ring_buffer<std::unique_ptr<int>> ring{4};
  for (int i = 0; i < 6; ++i) ring.push_back(std::make_unique<int>(i));
  ring.emplace_front(std::make_unique<int>(-1));
  ring.insert(ring.begin() + 1, std::make_unique<int>(100));
  ring.emplace(ring.end(), new int(200));
  ring.erase(ring.begin() + 2);
  std::vector<int> seen;
  for (const auto& p : ring) seen.push_back(*p);
  EXPECT_EQ(seen, (std::vector<int>{2, 3, 200}));

  ring_buffer<std::unique_ptr<int>> moved(std::move(ring));
  ring_buffer<std::unique_ptr<int>> target{1};
  target = std::move(moved);
  EXPECT_EQ(*target.back(), 200);
  target.resize(2);
  EXPECT_EQ(target.size(), 2u);
  target.shrink_to_fit();
  target.set_capacity(1);
  EXPECT_EQ(*target.front(), 3);
}

}  // namespace
