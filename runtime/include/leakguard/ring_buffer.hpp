// leakguard/ring_buffer.hpp - a bounded sequence that keeps the newest
// capacity() elements (the replacement for an ever-growing vector / deque).
//
// What it is for
//   A `std::vector<Sample> samples_;` member that is appended to on every tick
//   and never trimmed grows until the process dies. `ring_buffer<Sample>` has
//   the same interface in the common uses (push_back / emplace_back, range-for,
//   size(), back(), operator[], random-access iterators for <algorithm>,
//   comparison) but holds at most capacity() elements: a push into a full
//   buffer destroys the oldest element first (so its resources are released at
//   once) and constructs the new one in its slot. push_front / emplace_front
//   (the std::deque side) drop the newest element, at the back, instead.
//
//     leakguard::ring_buffer<Sample> samples_{1024};   // keeps the last 1024
//
//   The capacity is a runtime value. 0 is a precondition error, checked:
//   the constructor and set_capacity throw std::invalid_argument.
//   Storage is allocated lazily and grows geometrically up to capacity(), as a
//   std::vector's does, so a large bound costs nothing until it is used.
//
// Growth rules
//   - Operations that add elements (push_*, emplace_*, insert, range
//     assign / construction) keep the newest capacity() elements: the result
//     is what std::vector would hold, minus as many elements from the front as
//     it takes to fit (from the back for push_front / emplace_front). Every
//     element dropped this way is passed to the eviction callback, if one is
//     set, just before it is destroyed, and counted in eviction_count().
//   - Operations that name a size (resize(n), assign(n, value)) throw
//     std::length_error when n > capacity(), as std::vector does beyond
//     max_size(): they cannot deliver the size they promise.
//   - reserve(n) keeps its std::vector meaning: afterwards capacity() >= n
//     (the bound is raised if n is larger) and storage for n elements is
//     allocated. It never returns or means "free slots".
//   - Explicit removals (pop_*, erase, clear, resize down) are not evictions.
//
// Complexity
//   push_back / emplace_back / push_front / emplace_front: O(1) amortised
//   while the storage grows towards capacity(), O(1) once it is full.
//   pop_front / pop_back / front / back / operator[] / at / iterator
//   arithmetic: O(1). insert / emplace / erase in the middle: O(n), moving the
//   shorter side for erase. clear: O(n). reserve / shrink_to_fit /
//   set_capacity: O(n) when they reallocate. Comparison: O(n).
//
// Exception safety
//   push_* / emplace_* build the new element first when the buffer is full or
//   must reallocate, so an exception from T's constructor (or from the
//   eviction callback) leaves the buffer unchanged. If T's move constructor
//   throws after the oldest element was dropped, the buffer stays valid, one
//   element shorter. Reallocation uses std::move_if_noexcept (strong).
//   insert / erase in the middle, resize and assign give the basic guarantee.
//   T must be MoveInsertable, as for std::vector.
//
// Thread-safety
//   None, like the std containers: concurrent const calls are safe; any call
//   that modifies the buffer needs exclusive access.
//
// Iterator and reference invalidation
//   Iterators are (buffer, position) pairs, so they do not follow the elements
//   through swap or move: both invalidate every iterator (references remain
//   valid and refer into the other buffer).
//   - A reallocation (a push while the storage is full but below capacity(),
//     reserve, shrink_to_fit, set_capacity below the storage size)
//     invalidates everything. After reserve(capacity()) pushes never
//     reallocate.
//   - Otherwise push_back / emplace_back invalidate end(); push_front /
//     emplace_front invalidate end() when they drop an element; pop_front /
//     pop_back invalidate the removed element (and end() for pop_back); a
//     dropped element's iterators and references become invalid. Iterators
//     and references to the other elements stay valid.
//   - insert / emplace before end(), erase, clear, assign and resize
//     invalidate everything.
//
// Copies, moves, assignment
//   Contents, capacity and counters are the value and travel with it. The
//   eviction callback belongs to the object, like a non-propagating allocator:
//   copy / move construction take the source's callback, but assignment and
//   swap leave each buffer its own. A moved-from buffer is empty, keeps its
//   capacity() and is usable; its counters are zero, and it has no callback if
//   it was moved from by construction.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

namespace leakguard {

namespace detail {

template <class Ring, bool IsConst>
class ring_iterator;

template <class It>
using require_input_iterator = std::enable_if_t<std::is_convertible<
    typename std::iterator_traits<It>::iterator_category, std::input_iterator_tag>::value>;

template <class T>
constexpr T* to_address(T* pointer) noexcept {
  return pointer;
}

template <class FancyPointer>
constexpr auto to_address(const FancyPointer& pointer) noexcept {
  return detail::to_address(pointer.operator->());
}

// One element built outside the buffer, with the buffer's allocator, so that a
// push can finish constructing it before anything in the buffer changes.
template <class T, class Alloc>
class allocated_temporary {
  using traits = std::allocator_traits<Alloc>;

 public:
  template <class... Args>
  explicit allocated_temporary(Alloc& alloc, Args&&... args) : alloc_(alloc) {
    traits::construct(alloc_, std::addressof(value_), std::forward<Args>(args)...);
  }
  ~allocated_temporary() { traits::destroy(alloc_, std::addressof(value_)); }
  allocated_temporary(const allocated_temporary&) = delete;
  allocated_temporary& operator=(const allocated_temporary&) = delete;

  T& value() noexcept { return value_; }

 private:
  Alloc& alloc_;
  union {
    T value_;
  };
};

}  // namespace detail

template <class T, class Alloc = std::allocator<T>>
class ring_buffer {
  using alloc_traits = std::allocator_traits<Alloc>;

 public:
  using value_type = T;
  using allocator_type = Alloc;
  using size_type = typename alloc_traits::size_type;
  using difference_type = typename alloc_traits::difference_type;
  using reference = T&;
  using const_reference = const T&;
  using pointer = typename alloc_traits::pointer;
  using const_pointer = typename alloc_traits::const_pointer;
  using iterator = detail::ring_iterator<ring_buffer, false>;
  using const_iterator = detail::ring_iterator<ring_buffer, true>;
  using reverse_iterator = std::reverse_iterator<iterator>;
  using const_reverse_iterator = std::reverse_iterator<const_iterator>;
  // Receives each element dropped to make room, just before it is destroyed;
  // it may move from it. It must not modify the buffer.
  using eviction_callback = std::function<void(T&)>;

  static_assert(std::is_same<typename alloc_traits::value_type, T>::value,
                "ring_buffer: Alloc::value_type must be T");

  // --- construction -------------------------------------------------------

  // Allocates nothing yet. Throws std::invalid_argument if capacity == 0.
  explicit ring_buffer(size_type capacity, const Alloc& alloc = Alloc())
      : alloc_(alloc), capacity_(checked_capacity(capacity)) {}

  // The newest `capacity` elements of `init`; list-initialise as
  // `ring_buffer<int> r{8, {1, 2, 3}}` (a lone `{8}` is always the capacity).
  ring_buffer(size_type capacity, std::initializer_list<T> init, const Alloc& alloc = Alloc())
      : ring_buffer(capacity, alloc) {
    append(init.begin(), init.end());
  }

  // The newest `capacity` elements of [first, last).
  template <class InputIt, class = detail::require_input_iterator<InputIt>>
  ring_buffer(size_type capacity, InputIt first, InputIt last, const Alloc& alloc = Alloc())
      : ring_buffer(capacity, alloc) {
    append(first, last);
  }

  ring_buffer(const ring_buffer& other)
      : ring_buffer(other, alloc_traits::select_on_container_copy_construction(other.alloc_)) {}

  ring_buffer(const ring_buffer& other, const Alloc& alloc) : ring_buffer(other.capacity_, alloc) {
    if (other.size_ != 0) reallocate(other.size_);
    for (const T& element : other) construct_back(element);
    copy_extras_from(other);
  }

  ring_buffer(ring_buffer&& other) noexcept(
      std::is_nothrow_move_constructible<eviction_callback>::value)
      : alloc_(std::move(other.alloc_)),
        capacity_(other.capacity_),
        on_evict_(std::move(other.on_evict_)) {
    other.on_evict_ = nullptr;
    steal_from(other);
  }

  ring_buffer(ring_buffer&& other, const Alloc& alloc) : ring_buffer(other.capacity_, alloc) {
    on_evict_ = std::move(other.on_evict_);
    other.on_evict_ = nullptr;
    if (alloc_ == other.alloc_) {
      steal_from(other);
      return;
    }
    if (other.size_ != 0) reallocate(other.size_);
    for (T& element : other) construct_back(std::move(element));
    eviction_count_ = other.eviction_count_;
    high_water_ = other.high_water_;
    other.clear();
    other.reset_counters();
  }

  ~ring_buffer() { release_storage(); }

  ring_buffer& operator=(const ring_buffer& other) {
    if (this != &other) {
      ring_buffer copy(other, alloc_traits::propagate_on_container_copy_assignment::value
                                  ? other.alloc_
                                  : alloc_);
      swap_all(copy);
    }
    return *this;
  }

  ring_buffer& operator=(ring_buffer&& other) noexcept(
      alloc_traits::propagate_on_container_move_assignment::value ||
      alloc_traits::is_always_equal::value) {
    if (this == &other) return *this;
    if constexpr (alloc_traits::propagate_on_container_move_assignment::value) {
      release_storage();
      alloc_ = std::move(other.alloc_);
      capacity_ = other.capacity_;
      steal_from(other);
    } else if constexpr (alloc_traits::is_always_equal::value) {
      release_storage();
      capacity_ = other.capacity_;
      steal_from(other);
    } else {
      ring_buffer moved(std::move(other), alloc_);
      swap_all(moved);
      other.on_evict_ = std::move(moved.on_evict_);  // the callback stays with its object
    }
    return *this;
  }

  // Replaces the contents; the capacity stays.
  ring_buffer& operator=(std::initializer_list<T> init) {
    assign(init.begin(), init.end());
    return *this;
  }

  // Clears, then pushes each element (so only the newest capacity() stay).
  template <class InputIt, class = detail::require_input_iterator<InputIt>>
  void assign(InputIt first, InputIt last) {
    clear();
    append(first, last);
  }

  void assign(std::initializer_list<T> init) { assign(init.begin(), init.end()); }

  // Throws std::length_error if count > capacity().
  void assign(size_type count, const T& value) {
    require_fits(count, "leakguard::ring_buffer::assign: count exceeds capacity()");
    detail::allocated_temporary<T, Alloc> copy(alloc_, value);  // `value` may be an element
    clear();
    if (storage_ < count) reallocate(count);
    while (size_ < count) {
      construct_back(copy.value());
      note_size();
    }
  }

  allocator_type get_allocator() const { return alloc_; }

  // --- element access -----------------------------------------------------

  reference at(size_type index) {
    require_index(index);
    return element(index);
  }
  const_reference at(size_type index) const {
    require_index(index);
    return element(index);
  }
  reference operator[](size_type index) noexcept {
    assert(index < size_ && "ring_buffer::operator[] out of range");
    return element(index);
  }
  const_reference operator[](size_type index) const noexcept {
    assert(index < size_ && "ring_buffer::operator[] out of range");
    return element(index);
  }
  reference front() noexcept { return (*this)[0]; }
  const_reference front() const noexcept { return (*this)[0]; }
  reference back() noexcept { return (*this)[size_ - 1]; }
  const_reference back() const noexcept { return (*this)[size_ - 1]; }

  // --- iterators: oldest to newest ----------------------------------------

  iterator begin() noexcept { return iterator(this, front_sequence_); }
  const_iterator begin() const noexcept { return const_iterator(this, front_sequence_); }
  const_iterator cbegin() const noexcept { return begin(); }
  iterator end() noexcept { return iterator(this, front_sequence_ + size_); }
  const_iterator end() const noexcept { return const_iterator(this, front_sequence_ + size_); }
  const_iterator cend() const noexcept { return end(); }
  reverse_iterator rbegin() noexcept { return reverse_iterator(end()); }
  const_reverse_iterator rbegin() const noexcept { return const_reverse_iterator(end()); }
  const_reverse_iterator crbegin() const noexcept { return rbegin(); }
  reverse_iterator rend() noexcept { return reverse_iterator(begin()); }
  const_reverse_iterator rend() const noexcept { return const_reverse_iterator(begin()); }
  const_reverse_iterator crend() const noexcept { return rend(); }

  // --- capacity -----------------------------------------------------------

  bool empty() const noexcept { return size_ == 0; }
  bool full() const noexcept { return size_ == capacity_; }
  size_type size() const noexcept { return size_; }
  size_type max_size() const noexcept {
    return std::min<size_type>(alloc_traits::max_size(alloc_),
                               std::numeric_limits<difference_type>::max() / 2);
  }
  // The bound: the most elements the buffer will ever hold.
  size_type capacity() const noexcept { return capacity_; }

  // std::vector's meaning: capacity() >= n afterwards, and storage for n
  // elements is allocated so the next pushes up to n do not reallocate.
  void reserve(size_type n) {
    if (n > max_size()) throw std::length_error("leakguard::ring_buffer::reserve: n > max_size()");
    if (n > storage_) reallocate(n);
    if (n > capacity_) capacity_ = n;
  }

  // Releases unused storage; capacity() is unchanged.
  void shrink_to_fit() {
    if (storage_ > size_) reallocate(size_);
  }

  // Changes the bound. Shrinking below size() drops the oldest elements
  // (evictions: callback and counter). Throws std::invalid_argument if 0.
  void set_capacity(size_type capacity) {
    checked_capacity(capacity);
    while (size_ > capacity) drop_front();
    if (storage_ > capacity) reallocate(capacity);
    capacity_ = capacity;
  }

  // --- eviction -------------------------------------------------------------

  void set_eviction_callback(eviction_callback callback) { on_evict_ = std::move(callback); }
  const eviction_callback& get_eviction_callback() const noexcept { return on_evict_; }
  // Elements dropped to make room since construction.
  size_type eviction_count() const noexcept { return eviction_count_; }
  // The largest size() reached since construction: how much of the bound is used.
  size_type high_water_size() const noexcept { return high_water_; }

  // --- modifiers ------------------------------------------------------------

  void clear() noexcept {
    while (size_ != 0) pop_back();
    head_ = 0;
  }

  void push_back(const T& value) { emplace_back(value); }
  void push_back(T&& value) { emplace_back(std::move(value)); }

  template <class... Args>
  reference emplace_back(Args&&... args) {
    if (size_ < storage_) {
      construct_back(std::forward<Args>(args)...);
    } else {
      // Build first: args may refer to the element about to be dropped or
      // moved, and a throwing constructor must leave the buffer unchanged.
      detail::allocated_temporary<T, Alloc> incoming(alloc_, std::forward<Args>(args)...);
      make_room_at_back();
      construct_back(std::move(incoming.value()));
    }
    note_size();
    return back();
  }

  void push_front(const T& value) { emplace_front(value); }
  void push_front(T&& value) { emplace_front(std::move(value)); }

  template <class... Args>
  reference emplace_front(Args&&... args) {
    if (size_ < storage_) {
      construct_front(std::forward<Args>(args)...);
    } else {
      detail::allocated_temporary<T, Alloc> incoming(alloc_, std::forward<Args>(args)...);
      make_room_at_front();
      construct_front(std::move(incoming.value()));
    }
    note_size();
    return front();
  }

  void pop_front() noexcept {
    assert(size_ != 0 && "ring_buffer::pop_front on empty buffer");
    alloc_traits::destroy(alloc_, slot(head_));
    head_ = head_ + 1 == storage_ ? 0 : head_ + 1;
    --size_;
    ++front_sequence_;
  }

  void pop_back() noexcept {
    assert(size_ != 0 && "ring_buffer::pop_back on empty buffer");
    alloc_traits::destroy(alloc_, slot(physical(size_ - 1)));
    --size_;
  }

  // Inserting into a full buffer drops from the front; elements that would
  // land before everything kept are dropped themselves. Returns an iterator to
  // the first inserted element kept (begin() if none was kept).
  iterator insert(const_iterator pos, const T& value) { return emplace(pos, value); }
  iterator insert(const_iterator pos, T&& value) { return emplace(pos, std::move(value)); }

  iterator insert(const_iterator pos, size_type count, const T& value) {
    std::vector<T, Alloc> incoming(count, value, alloc_);
    return insert_moved(index_of(pos), incoming.data(), incoming.size());
  }

  template <class InputIt, class = detail::require_input_iterator<InputIt>>
  iterator insert(const_iterator pos, InputIt first, InputIt last) {
    const size_type index = index_of(pos);
    std::vector<T, Alloc> incoming(first, last, alloc_);
    return insert_moved(index, incoming.data(), incoming.size());
  }

  iterator insert(const_iterator pos, std::initializer_list<T> init) {
    return insert(pos, init.begin(), init.end());
  }

  template <class... Args>
  iterator emplace(const_iterator pos, Args&&... args) {
    const size_type index = index_of(pos);
    if (index == size_) {
      emplace_back(std::forward<Args>(args)...);
      return end() - 1;
    }
    detail::allocated_temporary<T, Alloc> incoming(alloc_, std::forward<Args>(args)...);
    return insert_moved(index, std::addressof(incoming.value()), 1);
  }

  iterator erase(const_iterator pos) { return erase(pos, pos + 1); }

  // Moves whichever side of the gap is shorter.
  iterator erase(const_iterator first, const_iterator last) {
    const size_type from = index_of(first);
    const size_type to = index_of(last);
    assert(from <= to && to <= size_ && "ring_buffer::erase: invalid range");
    const size_type count = to - from;
    if (count == 0) return begin() + static_cast<difference_type>(from);
    if (from < size_ - to) {
      std::move_backward(begin(), begin() + static_cast<difference_type>(from),
                         begin() + static_cast<difference_type>(to));
      for (size_type i = 0; i < count; ++i) pop_front();
    } else {
      std::move(begin() + static_cast<difference_type>(to), end(),
                begin() + static_cast<difference_type>(from));
      for (size_type i = 0; i < count; ++i) pop_back();
    }
    return begin() + static_cast<difference_type>(from);
  }

  // Throws std::length_error if count > capacity().
  void resize(size_type count) {
    require_fits(count, "leakguard::ring_buffer::resize: count exceeds capacity()");
    while (size_ > count) pop_back();
    if (storage_ < count) reallocate(count);
    while (size_ < count) {
      construct_back();
      note_size();
    }
  }

  void resize(size_type count, const T& value) {
    require_fits(count, "leakguard::ring_buffer::resize: count exceeds capacity()");
    while (size_ > count) pop_back();
    // No reserve first: `value` may be an element, and emplace_back copies it
    // before it reallocates.
    while (size_ < count) emplace_back(value);
  }

  void swap(ring_buffer& other) noexcept {
    if constexpr (alloc_traits::propagate_on_container_swap::value) {
      using std::swap;
      swap(alloc_, other.alloc_);
    } else {
      assert(alloc_ == other.alloc_ && "ring_buffer::swap: unequal allocators");
    }
    swap_state(other);
  }

  friend void swap(ring_buffer& a, ring_buffer& b) noexcept { a.swap(b); }

  // Element-wise, like std::vector's: capacity, callback and counters are not
  // part of the value.
  friend bool operator==(const ring_buffer& a, const ring_buffer& b) {
    return a.size_ == b.size_ && std::equal(a.begin(), a.end(), b.begin());
  }
  friend bool operator!=(const ring_buffer& a, const ring_buffer& b) { return !(a == b); }
  friend bool operator<(const ring_buffer& a, const ring_buffer& b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
  }
  friend bool operator>(const ring_buffer& a, const ring_buffer& b) { return b < a; }
  friend bool operator<=(const ring_buffer& a, const ring_buffer& b) { return !(b < a); }
  friend bool operator>=(const ring_buffer& a, const ring_buffer& b) { return !(a < b); }

 private:
  template <class, bool>
  friend class detail::ring_iterator;

  size_type checked_capacity(size_type capacity) const {
    if (capacity == 0)
      throw std::invalid_argument("leakguard::ring_buffer: capacity must be at least 1");
    if (capacity > max_size())
      throw std::length_error("leakguard::ring_buffer: capacity exceeds max_size()");
    return capacity;
  }

  void require_fits(size_type count, const char* message) const {
    if (count > capacity_) throw std::length_error(message);
  }

  void require_index(size_type index) const {
    if (index >= size_) throw std::out_of_range("leakguard::ring_buffer::at: index out of range");
  }

  // Storage slot of the element `index` places after the front.
  size_type physical(size_type index) const noexcept {
    const size_type position = head_ + index;
    return position >= storage_ ? position - storage_ : position;
  }

  T* slot(size_type physical_index) const noexcept {
    return detail::to_address(data_ + static_cast<difference_type>(physical_index));
  }

  T& element(size_type index) const noexcept { return *slot(physical(index)); }

  // Iterators hold sequence numbers: the front element's is front_sequence_,
  // so popping the front or pushing does not move the other elements' numbers.
  T& element_at_sequence(size_type sequence) const noexcept {
    assert(sequence - front_sequence_ < size_ && "ring_buffer iterator out of range");
    return element(sequence - front_sequence_);
  }

  size_type index_of(const_iterator pos) const noexcept {
    return static_cast<size_type>(pos - cbegin());
  }

  // Preconditions: size_ < storage_.
  template <class... Args>
  void construct_back(Args&&... args) {
    alloc_traits::construct(alloc_, slot(physical(size_)), std::forward<Args>(args)...);
    ++size_;
  }

  template <class... Args>
  void construct_front(Args&&... args) {
    const size_type before = head_ == 0 ? storage_ - 1 : head_ - 1;
    alloc_traits::construct(alloc_, slot(before), std::forward<Args>(args)...);
    head_ = before;
    ++size_;
    --front_sequence_;
  }

  // Frees one slot for a push at the back: evict the front when full,
  // otherwise grow the storage.
  void make_room_at_back() {
    if (size_ == capacity_) {
      drop_front();
    } else {
      reallocate(grown_storage());
    }
  }

  void make_room_at_front() {
    if (size_ == capacity_) {
      drop_back();
    } else {
      reallocate(grown_storage());
    }
  }

  size_type grown_storage() const noexcept {
    const size_type doubled = storage_ > capacity_ / 2 ? capacity_ : storage_ * 2;
    return std::max<size_type>(doubled, 1);
  }

  // The callback runs first, so if it throws nothing has changed.
  void drop_front() {
    if (on_evict_) on_evict_(front());
    pop_front();
    ++eviction_count_;
  }

  void drop_back() {
    if (on_evict_) on_evict_(back());
    pop_back();
    ++eviction_count_;
  }

  void note_size() noexcept {
    if (size_ > high_water_) high_water_ = size_;
  }

  template <class InputIt>
  void append(InputIt first, InputIt last) {
    for (; first != last; ++first) emplace_back(*first);
  }

  // Moves the elements, in order, into fresh storage of `new_storage` slots
  // (>= size_). Strong guarantee.
  void reallocate(size_type new_storage) {
    assert(new_storage >= size_);
    pointer fresh = new_storage == 0 ? pointer() : alloc_traits::allocate(alloc_, new_storage);
    size_type built = 0;
    try {
      for (; built < size_; ++built) {
        alloc_traits::construct(alloc_,
                                detail::to_address(fresh + static_cast<difference_type>(built)),
                                std::move_if_noexcept(element(built)));
      }
    } catch (...) {
      for (size_type i = 0; i < built; ++i)
        alloc_traits::destroy(alloc_, detail::to_address(fresh + static_cast<difference_type>(i)));
      if (new_storage != 0) alloc_traits::deallocate(alloc_, fresh, new_storage);
      throw;
    }
    const size_type count = size_;
    release_storage();
    data_ = fresh;
    storage_ = new_storage;
    size_ = count;
  }

  // Destroys the elements and frees the storage; size_ becomes 0.
  void release_storage() noexcept {
    clear();
    if (storage_ != 0) alloc_traits::deallocate(alloc_, data_, storage_);
    data_ = pointer();
    storage_ = 0;
  }

  // Inserts `count` elements moved from `incoming` before position `index`.
  iterator insert_moved(size_type index, T* incoming, size_type count) {
    const size_type total = size_ + count;
    const size_type excess = total > capacity_ ? total - capacity_ : 0;
    const size_type dropped_existing = std::min(index, excess);
    for (size_type i = 0; i < dropped_existing; ++i) drop_front();
    index -= dropped_existing;
    // Only when index reached 0: the first incoming elements are older than
    // everything kept, so they are dropped without ever entering the buffer.
    for (size_type i = dropped_existing; i < excess; ++i, ++incoming, --count) {
      if (on_evict_) on_evict_(*incoming);
      ++eviction_count_;
    }
    if (storage_ < size_ + count) reallocate(std::max(size_ + count, grown_storage()));
    const size_type old_size = size_;
    try {
      for (size_type i = 0; i < count; ++i) construct_back(std::move(incoming[i]));
    } catch (...) {
      while (size_ > old_size) pop_back();
      throw;
    }
    std::rotate(begin() + static_cast<difference_type>(index),
                begin() + static_cast<difference_type>(old_size), end());
    note_size();
    return begin() + static_cast<difference_type>(index);
  }

  void copy_extras_from(const ring_buffer& other) {
    on_evict_ = other.on_evict_;
    eviction_count_ = other.eviction_count_;
    high_water_ = other.high_water_;
  }

  void reset_counters() noexcept {
    eviction_count_ = 0;
    high_water_ = 0;
  }

  // Takes other's elements and counters, not its callback; this buffer holds
  // no storage.
  void steal_from(ring_buffer& other) noexcept {
    data_ = std::exchange(other.data_, pointer());
    storage_ = std::exchange(other.storage_, 0);
    head_ = std::exchange(other.head_, 0);
    size_ = std::exchange(other.size_, 0);
    front_sequence_ = other.front_sequence_;
    eviction_count_ = other.eviction_count_;
    high_water_ = other.high_water_;
    other.reset_counters();
  }

  void swap_state(ring_buffer& other) noexcept {
    using std::swap;
    swap(data_, other.data_);
    swap(storage_, other.storage_);
    swap(capacity_, other.capacity_);
    swap(head_, other.head_);
    swap(size_, other.size_);
    swap(front_sequence_, other.front_sequence_);
    swap(eviction_count_, other.eviction_count_);
    swap(high_water_, other.high_water_);
  }

  void swap_all(ring_buffer& other) noexcept {
    using std::swap;
    swap(alloc_, other.alloc_);
    swap_state(other);
  }

  Alloc alloc_;
  pointer data_ = pointer();
  size_type storage_ = 0;         // slots allocated; size_ <= storage_ <= capacity_
  size_type capacity_;            // the bound
  size_type head_ = 0;            // slot of the front element
  size_type size_ = 0;
  size_type front_sequence_ = 0;  // sequence number of the front element
  size_type eviction_count_ = 0;
  size_type high_water_ = 0;
  eviction_callback on_evict_;
};

namespace detail {

// A random-access iterator over a ring_buffer: the buffer and a sequence
// number, so arithmetic never has to think about where the storage wraps.
template <class Ring, bool IsConst>
class ring_iterator {
  using ring_pointer = std::conditional_t<IsConst, const Ring*, Ring*>;
  using size_type = typename Ring::size_type;

 public:
  using iterator_category = std::random_access_iterator_tag;
  using value_type = typename Ring::value_type;
  using difference_type = typename Ring::difference_type;
  using reference = std::conditional_t<IsConst, const value_type&, value_type&>;
  using pointer = std::conditional_t<IsConst, const value_type*, value_type*>;

  ring_iterator() noexcept = default;

  // iterator -> const_iterator.
  template <bool OtherConst, std::enable_if_t<IsConst && !OtherConst, int> = 0>
  ring_iterator(const ring_iterator<Ring, OtherConst>& other) noexcept  // NOLINT(google-explicit-constructor)
      : ring_(other.ring_), sequence_(other.sequence_) {}

  reference operator*() const noexcept { return ring_->element_at_sequence(sequence_); }
  pointer operator->() const noexcept { return std::addressof(**this); }
  reference operator[](difference_type n) const noexcept { return *(*this + n); }

  ring_iterator& operator++() noexcept {
    ++sequence_;
    return *this;
  }
  ring_iterator operator++(int) noexcept {
    ring_iterator old = *this;
    ++sequence_;
    return old;
  }
  ring_iterator& operator--() noexcept {
    --sequence_;
    return *this;
  }
  ring_iterator operator--(int) noexcept {
    ring_iterator old = *this;
    --sequence_;
    return old;
  }
  // Sequence numbers are unsigned and wrap, so a negative n is added modulo.
  ring_iterator& operator+=(difference_type n) noexcept {
    sequence_ += static_cast<size_type>(n);
    return *this;
  }
  ring_iterator& operator-=(difference_type n) noexcept {
    sequence_ -= static_cast<size_type>(n);
    return *this;
  }

  // Hidden friends: mixed iterator / const_iterator operands reach the
  // const_iterator overloads through the converting constructor.
  friend ring_iterator operator+(ring_iterator it, difference_type n) noexcept { return it += n; }
  friend ring_iterator operator+(difference_type n, ring_iterator it) noexcept { return it += n; }
  friend ring_iterator operator-(ring_iterator it, difference_type n) noexcept { return it -= n; }
  friend difference_type operator-(const ring_iterator& a, const ring_iterator& b) noexcept {
    return static_cast<difference_type>(a.sequence_ - b.sequence_);
  }
  friend bool operator==(const ring_iterator& a, const ring_iterator& b) noexcept {
    return a.sequence_ == b.sequence_;
  }
  friend bool operator!=(const ring_iterator& a, const ring_iterator& b) noexcept {
    return !(a == b);
  }
  friend bool operator<(const ring_iterator& a, const ring_iterator& b) noexcept {
    return a - b < 0;
  }
  friend bool operator>(const ring_iterator& a, const ring_iterator& b) noexcept { return b < a; }
  friend bool operator<=(const ring_iterator& a, const ring_iterator& b) noexcept {
    return !(b < a);
  }
  friend bool operator>=(const ring_iterator& a, const ring_iterator& b) noexcept {
    return !(a < b);
  }

 private:
  friend Ring;
  template <class, bool>
  friend class ring_iterator;

  ring_iterator(ring_pointer ring, size_type sequence) noexcept
      : ring_(ring), sequence_(sequence) {}

  ring_pointer ring_ = nullptr;
  size_type sequence_ = 0;
};

}  // namespace detail
}  // namespace leakguard
