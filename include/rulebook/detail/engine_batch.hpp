// Internal: running a compiled expression over a chunk of rows at once — the
// vectorised interpretation analytical databases use. Each instruction of the
// expression's program runs as one tight loop over up to `batch_rows` rows of
// raw 64-bit values (ten-thousandths, 0/1, day numbers, text codes), so the
// `switch` on the operation is paid once per chunk, not once per row.
//
// Operands are resolved, once per chunk, to arrays of the chunk's rows:
//   - an input slot (days_in_village, distance_km, role, …) is a column the
//     caller gives;
//   - a parameter slot is one value for the whole chunk (the caller cuts chunks
//     so that no parameter changes inside one), spread over a scratch array;
//   - a constant is spread once, when the kernel is built.
// In a program without jumps, an instruction whose operands are all the same on
// every row (parameters and constants: `transport_per_km × legs_per_round_trip`)
// is computed once per chunk, not once per row.
//
// Programs with jumps (`and`, `or`, `if`) run masked: each row keeps the index of
// the instruction it resumes at, and an instruction changes only the rows that
// have reached it, which is how the row-at-a-time program would have run them.
//
// Nothing throws per row: a row whose arithmetic fails (overflow, division by
// zero, a date out of range, an empty clamp) is flagged in `error`, and the
// caller computes it again on the row-at-a-time path, which raises the error
// with the rule and subject named — or does not, when the failing operation was
// on a branch that row never took. No allocation happens in `run`.
//
// Text values: the only text input is `role`; a text column holds codes, and a
// text constant is coded against the same vocabulary (a constant outside it gets
// a code of its own), so that text equality is integer equality.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string_view>
#include <vector>

#include "rulebook/expr.hpp"
#include "rulebook/money.hpp"
#include "rulebook/period.hpp"

namespace rulebook::detail {

/// Rows in one chunk: small enough that a program's registers stay in the L1/L2
/// cache, large enough that the per-chunk work is negligible per row.
inline constexpr std::size_t batch_rows = 512;

/// How a slot reaches a kernel.
enum class slot_role : std::uint8_t {
  column,  ///< one value per row
  scalar,  ///< one value for the whole chunk
};

/// The scratch space one thread needs to run kernels: registers and spread
/// scalars. Sized once, reused for every chunk.
class batch_scratch {
 public:
  void reserve(std::size_t registers, std::size_t slots) {
    if (regs_.size() < registers * batch_rows) regs_.resize(registers * batch_rows);
    if (scalars_.size() < slots * batch_rows) scalars_.resize(slots * batch_rows);
    if (resume_.size() < batch_rows) resume_.resize(batch_rows);
    if (values_.size() < registers) values_.resize(registers);
  }
  std::int64_t* reg(std::size_t r) noexcept { return regs_.data() + r * batch_rows; }
  std::int64_t* scalar(std::size_t slot) noexcept { return scalars_.data() + slot * batch_rows; }
  std::uint32_t* resume() noexcept { return resume_.data(); }
  value& uniform(std::size_t r) noexcept { return values_[r]; }  // a register computed once per chunk

 private:
  std::vector<std::int64_t> regs_, scalars_;
  std::vector<value> values_;
  std::vector<std::uint32_t> resume_;
};

/// A chunk's inputs: per slot, the column of the chunk's rows (for column slots)
/// or the chunk's value (for scalar slots), both raw.
struct batch_inputs {
  std::span<const std::int64_t* const> columns;
  std::span<const std::int64_t> scalars;
};

/// One expression, ready to run over chunks of rows.
class batch_kernel {
 public:
  batch_kernel() = default;

  /// `roles[slot]` says how each slot arrives; `text_vocabulary` are the texts
  /// the text column's codes stand for (code = index).
  batch_kernel(const expression& e, std::span<const slot_role> roles, std::span<const std::string_view> text_vocabulary)
      : program_(&e.program()) {
    const expr_program& p = *program_;
    has_jumps_ = std::any_of(p.code.begin(), p.code.end(), [](const instruction& in) { return in.op >= opcode::jump; });
    // Constants, spread over a chunk; text constants coded against the vocabulary.
    std::vector<std::string_view> extra;
    constants_.resize(p.constants.size() * batch_rows);
    for (std::size_t k = 0; k < p.constants.size(); ++k) {
      const value& v = p.constants[k];
      std::int64_t raw = value_access::raw(v);
      if (v.type() == value_type::text) {
        raw = text_code(v.as_text(), text_vocabulary, extra);
        coded_.emplace(v.as_text(), raw);
      }
      std::fill_n(constants_.data() + k * batch_rows, batch_rows, raw);
    }
    for (const expr_program::input& in : p.inputs) {
      if (roles[in.slot] == slot_role::scalar) scalar_slots_.push_back(in.slot);
      slot_types_.push_back({in.slot, in.type});
    }
    // Whether each slot is read from the scalars, decided here, not per instruction per chunk.
    slot_is_scalar_.assign(roles.size(), 0);
    for (const std::size_t slot : scalar_slots_) slot_is_scalar_[slot] = 1;
    // Which instructions compute the same value on every row: in straight-line
    // code, those reading only constants, scalar slots and such registers.
    uniform_.assign(p.code.size(), false);
    if (!has_jumps_) {
      std::vector<bool> reg_uniform(p.register_count, false);
      const auto is_uniform = [&](const operand& o) {
        switch (o.source) {
          case operand_source::none:
          case operand_source::constant: return true;
          case operand_source::reg: return static_cast<bool>(reg_uniform[o.index]);
          case operand_source::slot: return roles[o.index] == slot_role::scalar;
          case operand_source::list: return false;
        }
        return false;
      };
      for (std::size_t pc = 0; pc < p.code.size(); ++pc) {
        const instruction& in = p.code[pc];
        bool u = is_uniform(in.a) && is_uniform(in.b) && is_uniform(in.c);
        if (in.op == opcode::min_list || in.op == opcode::max_list) {
          u = true;
          for (std::uint32_t i = 0; i < in.b.index; ++i) u = u && is_uniform(p.lists[in.a.index + i]);
        }
        uniform_[pc] = u;
        reg_uniform[in.dst] = u;
      }
    }
  }

  [[nodiscard]] bool empty() const noexcept { return program_ == nullptr; }
  [[nodiscard]] std::size_t register_count() const noexcept { return program_->register_count; }

  /// Runs the expression over `n` ≤ batch_rows rows. Writes each row's raw
  /// result to `out` and sets `error[i]` (never clears it) for a row whose
  /// arithmetic failed; `active`, when given, skips rows where it is 0.
  void run(std::size_t n, const batch_inputs& in, batch_scratch& s, std::int64_t* out, std::uint8_t* error,
           const std::uint8_t* active = nullptr) const {
    const expr_program& p = *program_;
    for (const std::size_t slot : scalar_slots_) std::fill_n(s.scalar(slot), n, in.scalars[slot]);
    const auto array = [&](const operand& o) -> const std::int64_t* {
      switch (o.source) {
        case operand_source::reg: return s.reg(o.index);
        case operand_source::constant: return constants_.data() + o.index * batch_rows;
        case operand_source::slot:
          return slot_is_scalar_[o.index] ? s.scalar(o.index) : in.columns[o.index];
        default: return nullptr;
      }
    };
    if (has_jumps_ || active != nullptr) {
      std::uint32_t* resume = s.resume();
      const auto never = static_cast<std::uint32_t>(p.code.size() + 1);
      for (std::size_t i = 0; i < n; ++i) resume[i] = active == nullptr || active[i] ? 0 : never;
      for (std::size_t pc = 0; pc < p.code.size(); ++pc) {
        const instruction& op = p.code[pc];
        const auto here = static_cast<std::uint32_t>(pc);
        if (op.op >= opcode::jump) {
          const std::int64_t* a = op.op == opcode::jump ? nullptr : array(op.a);
          for (std::size_t i = 0; i < n; ++i) {
            if (resume[i] > here) continue;
            const bool taken = a == nullptr || ((a[i] != 0) == (op.op == opcode::jump_if_true));
            if (taken) resume[i] = op.target;
          }
          continue;
        }
        execute_rows(op, n, array, s.reg(op.dst), error, [&](std::size_t i) { return resume[i] <= here; });
      }
      copy_result(n, array, out, [&](std::size_t i) { return resume[i] != never; });
      return;
    }
    for (std::size_t pc = 0; pc < p.code.size(); ++pc) {
      const instruction& op = p.code[pc];
      if (uniform_[pc]) {
        execute_uniform(op, n, in, s, error);
      } else {
        execute_rows(op, n, array, s.reg(op.dst), error, [](std::size_t) { return true; });
      }
    }
    copy_result(n, array, out, [](std::size_t) { return true; });
  }

 private:
  static std::int64_t text_code(std::string_view t, std::span<const std::string_view> vocabulary,
                                std::vector<std::string_view>& extra) {
    const auto it = std::find(vocabulary.begin(), vocabulary.end(), t);
    if (it != vocabulary.end()) return it - vocabulary.begin();
    auto e = std::find(extra.begin(), extra.end(), t);
    if (e == extra.end()) e = extra.insert(extra.end(), t);
    return -1 - (e - extra.begin());  // never a column's code
  }

  template <class Array, class Live>
  void copy_result(std::size_t n, const Array& array, std::int64_t* out, const Live& live) const {
    const std::int64_t* r = array(program_->result);
    for (std::size_t i = 0; i < n; ++i) out[i] = live(i) ? r[i] : 0;
  }

  /// An instruction whose operands are the same on every row: computed once by
  /// the row-at-a-time `apply`, then spread. A failure flags every row.
  void execute_uniform(const instruction& op, std::size_t n, const batch_inputs& in, batch_scratch& s,
                       std::uint8_t* error) const {
    const expr_program& p = *program_;
    const auto read = [&](const operand& o) -> value {
      switch (o.source) {
        case operand_source::reg: return s.uniform(o.index);
        case operand_source::constant: return p.constants[o.index];
        case operand_source::slot: return value_access::make(type_of_slot(o.index), in.scalars[o.index]);
        default: return {};
      }
    };
    value v;
    try {
      v = apply(p, op, read);
    } catch (const std::exception&) {
      std::fill_n(error, n, std::uint8_t{1});
    }
    s.uniform(op.dst) = v;
    std::int64_t r = value_access::raw(v);
    if (v.type() == value_type::text) r = coded_.at(v.as_text());
    std::fill_n(s.reg(op.dst), n, r);
  }

  [[nodiscard]] value_type type_of_slot(std::size_t slot) const noexcept {
    for (const auto& [s, t] : slot_types_)
      if (s == slot) return t;
    return value_type::number;
  }

  template <class Array, class Live>
  void execute_rows(const instruction& op, std::size_t n, const Array& array, std::int64_t* dst, std::uint8_t* error,
                    const Live& live) const {
    const expr_program& p = *program_;
    const std::int64_t* a = array(op.a);
    const std::int64_t* b = array(op.b);
    const std::int64_t* c = array(op.c);
    // One loop per operation: `f(i)` computes row i, or flags it and returns 0.
    const auto each = [&](auto f) {
      for (std::size_t i = 0; i < n; ++i)
        if (live(i)) dst[i] = f(i);
    };
    const auto fail = [&](std::size_t i) {
      error[i] = 1;
      return std::int64_t{0};
    };
    switch (op.op) {
      case opcode::copy: each([&](std::size_t i) { return a[i]; }); break;
      case opcode::negate: each([&](std::size_t i) { return -a[i]; }); break;
      case opcode::logical_not: each([&](std::size_t i) { return std::int64_t{a[i] == 0}; }); break;
      case opcode::add:
        each([&](std::size_t i) {
          std::int64_t r = 0;
          if (__builtin_add_overflow(a[i], b[i], &r) || r == raw_min) [[unlikely]] return fail(i);
          return r;
        });
        break;
      case opcode::subtract:
        each([&](std::size_t i) {
          std::int64_t r = 0;
          if (__builtin_sub_overflow(a[i], b[i], &r) || r == raw_min) [[unlikely]] return fail(i);
          return r;
        });
        break;
      case opcode::add_days:
      case opcode::subtract_days: {
        const std::int64_t sign = op.op == opcode::add_days ? 1 : -1;
        each([&](std::size_t i) {
          const std::int64_t days = b[i];
          if (days % decimal::one != 0) [[unlikely]] return fail(i);
          const std::int64_t moved = a[i] + sign * (days / decimal::one);
          if (moved < first_day_number || moved > last_day_number) [[unlikely]] return fail(i);
          return moved;
        });
        break;
      }
      case opcode::days_difference: each([&](std::size_t i) { return (a[i] - b[i]) * decimal::one; }); break;
      case opcode::days_between: each([&](std::size_t i) { return (b[i] - a[i]) * decimal::one; }); break;
      case opcode::multiply:
        each([&](std::size_t i) {
          std::int64_t product = 0;
          if (!__builtin_mul_overflow(a[i], b[i], &product) && product != raw_min) [[likely]]
            return div_round_as<rounding::half_even>(product, decimal::one);
          try {
            return mul_div_wide(a[i], b[i], decimal::one, 1, rounding::half_even);
          } catch (const std::exception&) {
            return fail(i);
          }
        });
        break;
      case opcode::divide:
        each([&](std::size_t i) {
          if (b[i] == 0) [[unlikely]] return fail(i);
          try {
            return mul_div_raw(a[i], decimal::one, b[i], 1, rounding::half_even);
          } catch (const std::exception&) {
            return fail(i);
          }
        });
        break;
      case opcode::equal:
      case opcode::equal_text: each([&](std::size_t i) { return std::int64_t{a[i] == b[i]}; }); break;
      case opcode::not_equal:
      case opcode::not_equal_text: each([&](std::size_t i) { return std::int64_t{a[i] != b[i]}; }); break;
      case opcode::less: each([&](std::size_t i) { return std::int64_t{a[i] < b[i]}; }); break;
      case opcode::less_equal: each([&](std::size_t i) { return std::int64_t{a[i] <= b[i]}; }); break;
      case opcode::greater: each([&](std::size_t i) { return std::int64_t{a[i] > b[i]}; }); break;
      case opcode::greater_equal: each([&](std::size_t i) { return std::int64_t{a[i] >= b[i]}; }); break;
      case opcode::min: each([&](std::size_t i) { return b[i] < a[i] ? b[i] : a[i]; }); break;
      case opcode::max: each([&](std::size_t i) { return b[i] > a[i] ? b[i] : a[i]; }); break;
      case opcode::min_list:
      case opcode::max_list: {
        const bool is_min = op.op == opcode::min_list;
        const std::int64_t* first = array(p.lists[op.a.index]);
        each([&](std::size_t i) { return first[i]; });
        for (std::uint32_t k = 1; k < op.b.index; ++k) {
          const std::int64_t* x = array(p.lists[op.a.index + k]);
          each([&](std::size_t i) { return (is_min ? x[i] < dst[i] : x[i] > dst[i]) ? x[i] : dst[i]; });
        }
        break;
      }
      case opcode::clamp:
        each([&](std::size_t i) {
          if (b[i] > c[i]) [[unlikely]] return fail(i);
          return a[i] < b[i] ? b[i] : a[i] > c[i] ? c[i] : a[i];
        });
        break;
      case opcode::abs: each([&](std::size_t i) { return a[i] < 0 ? -a[i] : a[i]; }); break;
      case opcode::round:
        each([&](std::size_t i) {
          try {
            return decimal::from_raw(a[i]).round(op.places, op.mode).raw();
          } catch (const std::exception&) {
            return fail(i);
          }
        });
        break;
      case opcode::days_in_month:
        each([&](std::size_t i) {
          const auto ymd = boost::gregorian::gregorian_calendar::from_day_number(
              static_cast<boost::gregorian::gregorian_calendar::date_int_type>(a[i]));
          return rulebook::days_in_month(ymd.year, ymd.month) * decimal::one;
        });
        break;
      case opcode::jump:
      case opcode::jump_if_false:
      case opcode::jump_if_true: break;  // `run` handles these
    }
  }

  const expr_program* program_ = nullptr;
  bool has_jumps_ = false;
  std::vector<std::int64_t> constants_;       // [constant × batch_rows]
  std::vector<std::size_t> scalar_slots_;     // the scalar slots the program reads
  std::vector<std::uint8_t> slot_is_scalar_;  // per slot of the scope: 1 when it is one of them
  std::vector<std::pair<std::size_t, value_type>> slot_types_;
  std::vector<bool> uniform_;                 // per instruction
  std::map<std::string_view, std::int64_t> coded_;  // text constants → their codes
};

}  // namespace rulebook::detail
