// leakguard/lru_map.hpp - a hash map with a capacity that evicts the least
// recently used entry (the replacement for a cache map that only grows).
//
// What it is for
//   A `std::unordered_map<std::string, Result> cache_;` member that caches
//   every query it ever saw grows without bound. `lru_map<std::string, Result>`
//   has the std::unordered_map interface in the common uses (find / end /
//   operator[] / insert / emplace / try_emplace / insert_or_assign / erase /
//   contains / count / at / size / empty / clear, iteration with ->first /
//   ->second, custom Hash and KeyEqual) but holds at most capacity() entries:
//   inserting a new key into a full map evicts the least recently used entry.
//
//     leakguard::lru_map<std::string, Result> cache_{1024};
//
//   The capacity is a runtime value. 0 is a precondition error, checked:
//   the constructor and set_capacity throw std::invalid_argument.
//
// What counts as use
//   Use moves an entry to the front (most recently used):
//     - non-const find, operator[], at;
//     - insert / emplace / try_emplace / insert_or_assign, whether they insert
//       or hit an existing key (the existing entry is returned, so it is used).
//   Not use: peek, contains, count, iteration, and every const member
//   function (const find and const at behave like peek). So a const lru_map
//   can be read by several threads at once, as a std container can.
//   Iteration runs from the most to the least recently used entry.
//
// Removal reporting
//   An optional callback `void(const Key&, T&, eviction_reason)` is called on
//   every removal path, just before the entry is destroyed: `evicted` (to make
//   room, or by set_capacity), `erased` (erase), `cleared` (clear, or the old
//   contents replaced by assignment), `destroyed` (the map's destructor). It
//   may move from the value; it must not modify the map. If it throws, the
//   entry is not removed and the exception propagates (from an insert that
//   had to evict, the insert is undone); from the destructor, std::terminate.
//   Counters: eviction_count() (entries evicted), high_water_size() (largest
//   size() reached).
//
// Complexity
//   find / peek / operator[] / at / insert / emplace / try_emplace /
//   insert_or_assign / erase / contains / count: O(1) average, O(size())
//   worst case, as std::unordered_map. size / empty / begin / end: O(1).
//   Iteration: O(size()). clear / destruction / copy: O(size()).
//
// Exception safety
//   Inserting operations and the erasure of one entry are strong: if
//   constructing the entry, hashing, comparing keys or the callback throws,
//   the map is unchanged, recency included. Range erase, clear, assignment and
//   set_capacity are basic (entries already reported and removed stay
//   removed).
//
// Thread-safety
//   None, like the std containers: concurrent const calls are safe; any other
//   call - including a lookup that counts as use, such as non-const find -
//   needs exclusive access. Under a reader/writer lock, readers may only use
//   peek / contains / count / const access.
//
// Iterator and reference invalidation
//   Entries are nodes that never move, so iterators and references stay valid
//   until their entry is removed. Removal happens through erase / clear /
//   assignment / set_capacity and - note - through any insert of a new key
//   into a full map, which evicts the least recently used entry: a reference
//   taken earlier may dangle after an insert. Use only reorders entries: it
//   invalidates nothing, but a loop that uses entries while iterating may see
//   them move to the front. swap keeps iterators valid (they then refer into
//   the other map); after a move the moved-from map's iterators are invalid.
//
// Copies, moves, assignment
//   Entries (in recency order), capacity, hash / equality objects and counters
//   are the value and travel with it. The callback belongs to the object, like
//   a non-propagating allocator: copy / move construction take the source's
//   callback, but assignment and swap leave each map its own (the entries an
//   assignment replaces are reported to the target's callback as `cleared`).
//   A moved-from map is empty, keeps its capacity() and is usable; its
//   counters are zero, and it has no callback if it was moved from by
//   construction.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <list>
#include <stdexcept>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>

namespace leakguard {

enum class eviction_reason {
  evicted,    // removed to make room for a new entry, or by set_capacity
  erased,     // erase()
  cleared,    // clear(), or replaced by assignment
  destroyed,  // the map was destroyed
};

namespace detail {

// The index stores references to the keys held in the recency list, so each
// key is stored once; these adapt the user's Hash / KeyEqual to them.
template <class Key, class Hash>
struct referenced_key_hash {
  Hash hash;
  std::size_t operator()(std::reference_wrapper<const Key> key) const { return hash(key.get()); }
};

template <class Key, class KeyEqual>
struct referenced_key_equal {
  KeyEqual equal;
  bool operator()(std::reference_wrapper<const Key> a, std::reference_wrapper<const Key> b) const {
    return equal(a.get(), b.get());
  }
};

inline std::size_t checked_lru_capacity(std::size_t capacity) {
  if (capacity == 0) throw std::invalid_argument("leakguard::lru_map: capacity must be at least 1");
  return capacity;
}

}  // namespace detail

template <class Key, class T, class Hash = std::hash<Key>, class KeyEqual = std::equal_to<Key>>
class lru_map {
 public:
  using key_type = Key;
  using mapped_type = T;
  using value_type = std::pair<const Key, T>;
  using size_type = std::size_t;
  using difference_type = std::ptrdiff_t;
  using hasher = Hash;
  using key_equal = KeyEqual;
  using reference = value_type&;
  using const_reference = const value_type&;
  using pointer = value_type*;
  using const_pointer = const value_type*;

 private:
  using list_type = std::list<value_type>;  // most recently used first

 public:
  using iterator = typename list_type::iterator;
  using const_iterator = typename list_type::const_iterator;
  using reverse_iterator = typename list_type::reverse_iterator;
  using const_reverse_iterator = typename list_type::const_reverse_iterator;
  using eviction_callback = std::function<void(const Key&, T&, eviction_reason)>;

  // --- construction -------------------------------------------------------

  // Throws std::invalid_argument if capacity == 0.
  explicit lru_map(size_type capacity, const Hash& hash = Hash(), const KeyEqual& equal = KeyEqual())
      : capacity_(detail::checked_lru_capacity(capacity)),
        index_(0, index_hash{hash}, index_equal{equal}) {}

  // Inserts the elements in order, so with more than `capacity` distinct keys
  // the last ones stay.
  lru_map(size_type capacity, std::initializer_list<value_type> init, const Hash& hash = Hash(),
          const KeyEqual& equal = KeyEqual())
      : lru_map(capacity, hash, equal) {
    insert(init);
  }

  template <class InputIt, class = std::enable_if_t<std::is_convertible<
                               typename std::iterator_traits<InputIt>::iterator_category,
                               std::input_iterator_tag>::value>>
  lru_map(size_type capacity, InputIt first, InputIt last, const Hash& hash = Hash(),
          const KeyEqual& equal = KeyEqual())
      : lru_map(capacity, hash, equal) {
    insert(first, last);
  }

  lru_map(const lru_map& other)
      : capacity_(other.capacity_),
        index_(other.index_.bucket_count(), other.index_.hash_function(), other.index_.key_eq()),
        eviction_count_(other.eviction_count_),
        high_water_(other.high_water_),
        on_remove_(other.on_remove_) {
    index_.max_load_factor(other.index_.max_load_factor());
    for (const value_type& entry : other.entries_) {
      entries_.push_back(entry);
      index_.emplace(std::cref(entries_.back().first), std::prev(entries_.end()));
    }
  }

  lru_map(lru_map&& other) noexcept(std::is_nothrow_move_constructible<list_type>::value &&
                                    std::is_nothrow_move_constructible<index_type>::value &&
                                    std::is_nothrow_move_constructible<eviction_callback>::value)
      : capacity_(other.capacity_),
        entries_(std::move(other.entries_)),
        index_(std::move(other.index_)),
        eviction_count_(std::exchange(other.eviction_count_, 0)),
        high_water_(std::exchange(other.high_water_, 0)),
        on_remove_(std::move(other.on_remove_)) {
    // std::list and std::unordered_map leave a moved-from object valid but
    // unspecified; make ours empty as documented.
    other.entries_.clear();
    other.index_.clear();
    other.on_remove_ = nullptr;
  }

  // Reports every entry as `destroyed`.
  ~lru_map() {
    if (!on_remove_) return;
    for (value_type& entry : entries_) on_remove_(entry.first, entry.second, eviction_reason::destroyed);
  }

  // The old entries are reported as `cleared`; then this map holds a copy.
  lru_map& operator=(const lru_map& other) {
    if (this != &other) {
      lru_map copy(other);
      clear();
      swap_values(copy);
    }
    return *this;
  }

  lru_map& operator=(lru_map&& other) {
    if (this != &other) {
      clear();
      capacity_ = other.capacity_;
      entries_ = std::move(other.entries_);
      index_ = std::move(other.index_);
      eviction_count_ = std::exchange(other.eviction_count_, 0);
      high_water_ = std::exchange(other.high_water_, 0);
      other.entries_.clear();
      other.index_.clear();
    }
    return *this;
  }

  // --- lookup -------------------------------------------------------------

  // Counts as use. end() if absent.
  iterator find(const Key& key) {
    const auto slot = index_.find(std::cref(key));
    if (slot == index_.end()) return entries_.end();
    touch(slot->second);
    return slot->second;
  }
  // Const: does not count as use.
  const_iterator find(const Key& key) const { return peek(key); }

  // Like find, but never counts as use.
  iterator peek(const Key& key) {
    const auto slot = index_.find(std::cref(key));
    return slot == index_.end() ? entries_.end() : slot->second;
  }
  const_iterator peek(const Key& key) const {
    const auto slot = index_.find(std::cref(key));
    return slot == index_.end() ? entries_.cend() : const_iterator(slot->second);
  }

  bool contains(const Key& key) const { return index_.find(std::cref(key)) != index_.end(); }
  size_type count(const Key& key) const { return contains(key) ? 1 : 0; }

  // Counts as use. Throws std::out_of_range if absent.
  T& at(const Key& key) {
    const iterator found = find(key);
    if (found == entries_.end()) throw_missing_key();
    return found->second;
  }
  const T& at(const Key& key) const {
    const const_iterator found = peek(key);
    if (found == entries_.cend()) throw_missing_key();
    return found->second;
  }

  // Counts as use; inserts a value-initialised T if absent (may evict).
  T& operator[](const Key& key) { return try_emplace(key).first->second; }
  T& operator[](Key&& key) { return try_emplace(std::move(key)).first->second; }

  // --- iterators: most to least recently used ----------------------------

  iterator begin() noexcept { return entries_.begin(); }
  const_iterator begin() const noexcept { return entries_.begin(); }
  const_iterator cbegin() const noexcept { return entries_.cbegin(); }
  iterator end() noexcept { return entries_.end(); }
  const_iterator end() const noexcept { return entries_.end(); }
  const_iterator cend() const noexcept { return entries_.cend(); }
  // Least recently used first.
  reverse_iterator rbegin() noexcept { return entries_.rbegin(); }
  const_reverse_iterator rbegin() const noexcept { return entries_.rbegin(); }
  reverse_iterator rend() noexcept { return entries_.rend(); }
  const_reverse_iterator rend() const noexcept { return entries_.rend(); }

  // --- capacity -----------------------------------------------------------

  bool empty() const noexcept { return entries_.empty(); }
  bool full() const noexcept { return entries_.size() == capacity_; }
  size_type size() const noexcept { return entries_.size(); }
  size_type max_size() const noexcept { return std::min(entries_.max_size(), index_.max_size()); }
  // The bound: the most entries the map will ever hold.
  size_type capacity() const noexcept { return capacity_; }

  // Changes the bound; shrinking below size() evicts the least recently used
  // entries. Throws std::invalid_argument if 0.
  void set_capacity(size_type capacity) {
    detail::checked_lru_capacity(capacity);
    while (entries_.size() > capacity) evict_least_recent();
    capacity_ = capacity;
  }

  // Hash-table tuning, with std::unordered_map's meaning (never the bound).
  void reserve(size_type count) { index_.reserve(count); }
  void rehash(size_type bucket_count) { index_.rehash(bucket_count); }
  size_type bucket_count() const noexcept { return index_.bucket_count(); }
  float load_factor() const noexcept { return index_.load_factor(); }
  float max_load_factor() const noexcept { return index_.max_load_factor(); }
  void max_load_factor(float factor) { index_.max_load_factor(factor); }
  hasher hash_function() const { return index_.hash_function().hash; }
  key_equal key_eq() const { return index_.key_eq().equal; }

  // --- removal reporting --------------------------------------------------

  void set_eviction_callback(eviction_callback callback) { on_remove_ = std::move(callback); }
  const eviction_callback& get_eviction_callback() const noexcept { return on_remove_; }
  // Entries evicted to make room (or by set_capacity) since construction.
  size_type eviction_count() const noexcept { return eviction_count_; }
  // The largest size() reached since construction: how much of the bound is used.
  size_type high_water_size() const noexcept { return high_water_; }

  // --- modifiers ----------------------------------------------------------

  // Reports each entry as `cleared`, most recently used first.
  void clear() {
    if (!on_remove_) {
      index_.clear();
      entries_.clear();
      return;
    }
    while (!entries_.empty()) remove(entries_.begin(), eviction_reason::cleared);
  }

  // All inserting operations: if the key is present, that entry is used and
  // returned with `false`; otherwise the new entry becomes the most recently
  // used, the least recently used one is evicted if the map was full, and it
  // is returned with `true`.
  std::pair<iterator, bool> insert(const value_type& value) {
    return try_emplace(value.first, value.second);
  }
  std::pair<iterator, bool> insert(value_type&& value) {
    return try_emplace(value.first, std::move(value.second));
  }
  template <class P, class = std::enable_if_t<std::is_constructible<value_type, P&&>::value>>
  std::pair<iterator, bool> insert(P&& value) {
    return emplace(std::forward<P>(value));
  }
  // The hint is ignored: the entry always goes to the front.
  iterator insert(const_iterator /*hint*/, const value_type& value) { return insert(value).first; }
  iterator insert(const_iterator /*hint*/, value_type&& value) {
    return insert(std::move(value)).first;
  }
  template <class InputIt, class = std::enable_if_t<std::is_convertible<
                               typename std::iterator_traits<InputIt>::iterator_category,
                               std::input_iterator_tag>::value>>
  void insert(InputIt first, InputIt last) {
    for (; first != last; ++first) emplace(*first);
  }
  void insert(std::initializer_list<value_type> init) { insert(init.begin(), init.end()); }

  template <class... Args>
  std::pair<iterator, bool> emplace(Args&&... args) {
    entries_.emplace_front(std::forward<Args>(args)...);
    return index_front();
  }
  template <class... Args>
  iterator emplace_hint(const_iterator /*hint*/, Args&&... args) {
    return emplace(std::forward<Args>(args)...).first;
  }

  template <class... Args>
  std::pair<iterator, bool> try_emplace(const Key& key, Args&&... args) {
    const iterator found = find(key);
    if (found != entries_.end()) return {found, false};
    entries_.emplace_front(std::piecewise_construct, std::forward_as_tuple(key),
                           std::forward_as_tuple(std::forward<Args>(args)...));
    return index_front();
  }
  template <class... Args>
  std::pair<iterator, bool> try_emplace(Key&& key, Args&&... args) {
    const iterator found = find(key);
    if (found != entries_.end()) return {found, false};
    entries_.emplace_front(std::piecewise_construct, std::forward_as_tuple(std::move(key)),
                           std::forward_as_tuple(std::forward<Args>(args)...));
    return index_front();
  }
  template <class... Args>
  iterator try_emplace(const_iterator /*hint*/, const Key& key, Args&&... args) {
    return try_emplace(key, std::forward<Args>(args)...).first;
  }
  template <class... Args>
  iterator try_emplace(const_iterator /*hint*/, Key&& key, Args&&... args) {
    return try_emplace(std::move(key), std::forward<Args>(args)...).first;
  }

  template <class M>
  std::pair<iterator, bool> insert_or_assign(const Key& key, M&& value) {
    const iterator found = peek(key);
    if (found != entries_.end()) {
      found->second = std::forward<M>(value);
      touch(found);  // after the assignment: if it throws, the recency is unchanged
      return {found, false};
    }
    entries_.emplace_front(std::piecewise_construct, std::forward_as_tuple(key),
                           std::forward_as_tuple(std::forward<M>(value)));
    return index_front();
  }
  template <class M>
  std::pair<iterator, bool> insert_or_assign(Key&& key, M&& value) {
    const iterator found = peek(key);
    if (found != entries_.end()) {
      found->second = std::forward<M>(value);
      touch(found);  // after the assignment: if it throws, the recency is unchanged
      return {found, false};
    }
    entries_.emplace_front(std::piecewise_construct, std::forward_as_tuple(std::move(key)),
                           std::forward_as_tuple(std::forward<M>(value)));
    return index_front();
  }
  template <class M>
  iterator insert_or_assign(const_iterator /*hint*/, const Key& key, M&& value) {
    return insert_or_assign(key, std::forward<M>(value)).first;
  }
  template <class M>
  iterator insert_or_assign(const_iterator /*hint*/, Key&& key, M&& value) {
    return insert_or_assign(std::move(key), std::forward<M>(value)).first;
  }

  // Reported as `erased`. Return the iterator after the removed entry.
  iterator erase(const_iterator pos) {
    const iterator next = std::next(mutable_iterator(pos));
    remove(mutable_iterator(pos), eviction_reason::erased);
    return next;
  }
  iterator erase(iterator pos) { return erase(const_iterator(pos)); }
  iterator erase(const_iterator first, const_iterator last) {
    while (first != last) first = erase(first);
    return mutable_iterator(last);
  }
  size_type erase(const Key& key) {
    const auto slot = index_.find(std::cref(key));
    if (slot == index_.end()) return 0;
    remove(slot, eviction_reason::erased);
    return 1;
  }

  // Each map keeps its own callback.
  void swap(lru_map& other) noexcept(std::is_nothrow_swappable<index_type>::value) {
    swap_values(other);
  }
  friend void swap(lru_map& a, lru_map& b) noexcept(noexcept(a.swap(b))) { a.swap(b); }

  // Same keys mapped to equal values, whatever the recency order, capacity,
  // callback or counters (std::unordered_map's equality).
  friend bool operator==(const lru_map& a, const lru_map& b) {
    if (a.size() != b.size()) return false;
    for (const value_type& entry : a.entries_) {
      const const_iterator match = b.peek(entry.first);
      if (match == b.end() || !(match->second == entry.second)) return false;
    }
    return true;
  }
  friend bool operator!=(const lru_map& a, const lru_map& b) { return !(a == b); }

 private:
  using index_hash = detail::referenced_key_hash<Key, Hash>;
  using index_equal = detail::referenced_key_equal<Key, KeyEqual>;
  using index_type =
      std::unordered_map<std::reference_wrapper<const Key>, iterator, index_hash, index_equal>;

  [[noreturn]] static void throw_missing_key() {
    throw std::out_of_range("leakguard::lru_map::at: key not found");
  }

  void swap_values(lru_map& other) noexcept(std::is_nothrow_swappable<index_type>::value) {
    using std::swap;
    swap(capacity_, other.capacity_);
    entries_.swap(other.entries_);
    index_.swap(other.index_);
    swap(eviction_count_, other.eviction_count_);
    swap(high_water_, other.high_water_);
  }

  iterator mutable_iterator(const_iterator pos) { return entries_.erase(pos, pos); }

  void touch(iterator pos) noexcept { entries_.splice(entries_.begin(), entries_, pos); }

  // entries_.front() was just constructed: index it, or drop it again when its
  // key is already present; evict if that made the map overfull. On any
  // exception the new entry is gone and nothing else has changed.
  std::pair<iterator, bool> index_front() {
    const iterator fresh = entries_.begin();
    typename index_type::iterator slot;
    bool inserted = false;
    try {
      std::tie(slot, inserted) = index_.emplace(std::cref(fresh->first), fresh);
    } catch (...) {
      entries_.pop_front();
      throw;
    }
    if (!inserted) {
      entries_.pop_front();
      touch(slot->second);
      return {slot->second, false};
    }
    if (entries_.size() > capacity_) {
      try {
        evict_least_recent();
      } catch (...) {
        index_.erase(slot);
        entries_.pop_front();
        throw;
      }
    }
    if (entries_.size() > high_water_) high_water_ = entries_.size();
    return {fresh, true};
  }

  void evict_least_recent() {
    remove(std::prev(entries_.end()), eviction_reason::evicted);
    ++eviction_count_;
  }

  void remove(iterator pos, eviction_reason reason) {
    const auto slot = index_.find(std::cref(pos->first));
    remove(slot, reason);
  }

  // The callback runs first, so if it throws nothing has changed. The index
  // entry goes before the node: erasing it may hash the key it refers to.
  void remove(typename index_type::iterator slot, eviction_reason reason) {
    const iterator pos = slot->second;
    if (on_remove_) on_remove_(pos->first, pos->second, reason);
    index_.erase(slot);
    entries_.erase(pos);
  }

  size_type capacity_;  // first: checked before anything is allocated
  list_type entries_;
  index_type index_;
  size_type eviction_count_ = 0;
  size_type high_water_ = 0;
  eviction_callback on_remove_;
};

}  // namespace leakguard
