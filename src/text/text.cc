// Text handling of the command line: Python-compatible float printing, CSV reading and writing,
// and tabulate's "simple" tables. The rules replicated here were read from CPython (float repr,
// _csv.c), numpy (scalar str) and tabulate 0.10 (tabulate/__init__.py), and checked against them.
// All functions are pure and thread-safe.
#include "lakota/text/text.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace lakota::text {

// ---------------------------------------------------------------------------------------------
// Floats

namespace {

// A finite value as its shortest round-trip digits: value = d.ddd x 10^exp.
struct Decimal {
  bool negative = false;
  std::string digits;
  int exp = 0;
};

// std::to_chars without precision gives the shortest digits that read back as the same value
// (closest to the exact value on ties), which is what CPython's repr and numpy's Dragon4 choose.
template <class T>
Decimal shortest_digits(T v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view s(buf, r.ptr - buf);
  Decimal d;
  if (s.front() == '-') {
    d.negative = true;
    s.remove_prefix(1);
  }
  size_t e = s.find('e');
  for (char c : s.substr(0, e))
    if (c != '.') d.digits += c;
  std::string_view exp = s.substr(e + 1);
  bool neg_exp = exp.front() == '-';
  std::from_chars(exp.data() + 1, exp.data() + exp.size(), d.exp);
  if (neg_exp) d.exp = -d.exp;
  return d;
}

// "123.45", "0.0001", "25.0": all digits written out, at least one after the point.
std::string fixed_layout(const Decimal& d) {
  std::string out = d.negative ? "-" : "";
  if (d.exp < 0) {
    out += "0.";
    out.append(-d.exp - 1, '0');
    return out + d.digits;
  }
  size_t int_len = d.exp + 1;
  if (d.digits.size() <= int_len) {
    out += d.digits;
    out.append(int_len - d.digits.size(), '0');
    return out + ".0";
  }
  return out + d.digits.substr(0, int_len) + "." + d.digits.substr(int_len);
}

// "1e-05", "1.5e+20", "5e-324": no trailing ".0", at least two exponent digits.
std::string scientific_layout(const Decimal& d) {
  std::string out = d.negative ? "-" : "";
  out += d.digits[0];
  if (d.digits.size() > 1) out += "." + d.digits.substr(1);
  out += d.exp < 0 ? "e-" : "e+";
  std::string exp = std::to_string(std::abs(d.exp));
  if (exp.size() < 2) exp.insert(0, "0");
  return out + exp;
}

// nan has no sign in Python's or numpy's output.
const char* non_finite(double v) {
  if (std::isnan(v)) return "nan";
  return v < 0 ? "-inf" : "inf";
}

}  // namespace

std::string python_float_repr(double v) {
  if (!std::isfinite(v)) return non_finite(v);
  Decimal d = shortest_digits(v);
  // CPython decides on the digits: fixed unless the decimal exponent is < -4 or >= 16.
  return d.exp >= -4 && d.exp < 16 ? fixed_layout(d) : scientific_layout(d);
}

std::string python_float32_repr(float v) {
  if (!std::isfinite(v)) return non_finite(v);
  Decimal d = shortest_digits(v);
  // numpy decides on the value itself, compared as long double (scalartypes.c.src).
  long double a = std::fabs(static_cast<long double>(v));
  bool positional = a == 0 || (1e-4L <= a && a < 1e16L);
  return positional ? fixed_layout(d) : scientific_layout(d);
}

std::string python_float_g(double v) {
  if (!std::isfinite(v)) return non_finite(v);
  // Same rules as C's %g (correctly rounded, ties to even on the exact binary value).
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 6);
  return std::string(buf, r.ptr);
}

// ---------------------------------------------------------------------------------------------
// CSV

namespace {

std::runtime_error csv_error(size_t line, const char* what) {
  return std::runtime_error("line " + std::to_string(line) + ": " + what);
}

bool ends_field(int c) { return c == ',' || c == '\n' || c == '\r' || c == EOF; }

}  // namespace

// At least 3 bytes, so that the first chunk holds a whole byte-order mark.
CsvReader::CsvReader(std::istream& in, size_t chunk_size) : in_(in), buf_(std::max<size_t>(chunk_size, 3)) {}

// Loads the next chunk; false once the input is exhausted.
bool CsvReader::fill() {
  while (pos_ == end_) {
    if (eof_) return false;
    in_.read(buf_.data(), buf_.size());
    end_ = static_cast<size_t>(in_.gcount());
    pos_ = 0;
    if (end_ < buf_.size()) eof_ = true;  // a short read means end of input (or an error)
    if (!started_) {
      started_ = true;
      // read() fills the whole chunk unless the input ends, so a BOM is never split.
      if (end_ >= 3 && std::memcmp(buf_.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
    }
  }
  return true;
}

int CsvReader::peek() {
  if (pos_ == end_ && !fill()) return EOF;
  return static_cast<unsigned char>(buf_[pos_]);
}

int CsvReader::get() {
  int c = peek();
  if (c != EOF) ++pos_;
  return c;
}

// Appends the run of ordinary bytes of an unquoted field, stopping before ',', CR, LF or the end.
void CsvReader::take_unquoted(std::string& field) {
  while (pos_ < end_ || fill()) {
    size_t i = pos_;
    while (i < end_ && !ends_field(static_cast<unsigned char>(buf_[i]))) ++i;
    field.append(buf_.data() + pos_, i - pos_);
    pos_ = i;
    if (i < end_) return;
  }
}

// Appends quoted text up to the next quote (not consumed), counting the line ends it holds.
void CsvReader::take_quoted(std::string& field) {
  while (pos_ < end_ || fill()) {
    const char* begin = buf_.data() + pos_;
    const char* quote = static_cast<const char*>(std::memchr(begin, '"', end_ - pos_));
    const char* stop = quote ? quote : buf_.data() + end_;
    line_ += std::count(begin, stop, '\n');
    field.append(begin, stop);
    pos_ = stop - buf_.data();
    if (quote) return;
  }
}

// After the CR or LF `c` that ended a record or an empty line: Python reads "\n"-terminated
// lines and, after a CR, accepts only more CRs before the LF (or the end of input).
void CsvReader::end_line(int c) {
  while (c == '\r') {
    int n = peek();
    if (n == EOF) return;
    if (n != '\r' && n != '\n') throw csv_error(line_, "new-line character seen in unquoted field");
    c = get();
  }
  if (c == '\n') ++line_;
}

// The state machine of CPython's _csv.c (excel dialect, strict=False) for one record.
void CsvReader::read_record(std::vector<std::string>& fields) {
  std::string field;
  State state = State::StartField;
  size_t quote_line = line_;
  for (;;) {
    if (state == State::InField) take_unquoted(field);
    if (state == State::InQuoted) take_quoted(field);
    int c = get();
    switch (state) {
      case State::InQuoted:
        if (c == EOF) throw csv_error(quote_line, "unterminated quoted field");
        state = State::QuoteInQuoted;  // take_quoted stopped at a quote
        continue;
      case State::QuoteInQuoted:
        if (c == '"') {  // "" stands for one quote
          field += '"';
          state = State::InQuoted;
          continue;
        }
        if (ends_field(c)) break;
        field += static_cast<char>(c);  // text after the closing quote joins the field
        state = State::InField;
        continue;
      case State::StartField:
        if (c == '"') {
          state = State::InQuoted;
          quote_line = line_;
          continue;
        }
        [[fallthrough]];
      case State::InField:
        if (ends_field(c)) break;
        field += static_cast<char>(c);  // a quote inside an unquoted field is kept as is
        state = State::InField;
        continue;
    }
    fields.push_back(std::move(field));
    field.clear();
    if (c == ',') {
      state = State::StartField;
      continue;
    }
    if (c != EOF) end_line(c);
    return;
  }
}

bool CsvReader::next(CsvRecord& out) {
  out.fields.clear();
  for (;;) {
    int c = peek();
    if (c == EOF) return false;
    if (c != '\n' && c != '\r') break;
    end_line(get());  // a fully empty line: Python yields [], we skip it
  }
  out.line = line_;
  read_record(out.fields);
  return true;
}

namespace {

void csv_write_field(std::string& out, const std::string& f) {
  if (f.find_first_of(",\"\r\n") == std::string::npos) {
    out += f;
    return;
  }
  out += '"';
  for (char c : f) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace

void csv_write_row(std::string& out, const std::vector<std::string>& fields, std::string_view line_end) {
  // Python quotes a lone empty field, or the row would read back as an empty line.
  if (fields.size() == 1 && fields[0].empty()) {
    out += "\"\"";
  } else {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i) out += ',';
      csv_write_field(out, fields[i]);
    }
  }
  out += line_end;
}

// ---------------------------------------------------------------------------------------------
// Unicode helpers: tabulate works on Python str, so widths and whitespace are code points.

namespace {

// Decodes the UTF-8 code point at s[i] and its byte length; an invalid byte stands for itself.
char32_t decode_utf8(std::string_view s, size_t i, size_t& len) {
  auto b = static_cast<unsigned char>(s[i]);
  size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  len = 1;
  if (n <= 1 || i + n > s.size()) return b;
  char32_t cp = b & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return b;
    cp = (cp << 6) | (c & 0x3F);
  }
  len = n;
  return cp;
}

size_t code_points(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0, len = 0; i < s.size(); i += len, ++n) decode_utf8(s, i, len);
  return n;
}

// Python's str.isspace().
bool is_py_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

// Python's str.strip() / str.rstrip() without arguments.
std::string_view py_strip(std::string_view s, bool left = true) {
  size_t begin = s.size(), end = 0;
  for (size_t i = 0, len = 0; i < s.size(); i += len) {
    if (is_py_space(decode_utf8(s, i, len))) continue;
    begin = std::min(begin, i);
    end = i + len;
  }
  if (end == 0) return {};
  return left ? s.substr(begin, end - begin) : s.substr(0, end);
}

std::string_view py_rstrip(std::string_view s) { return py_strip(s, false); }

// Python's str.splitlines(): breaks at LF, CR, CRLF, VT, FF, FS, GS, RS, NEL, LS and PS;
// no empty piece after a final break.
std::vector<std::string_view> split_lines(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0, len = 0; i < s.size(); i += len) {
    char32_t c = decode_utf8(s, i, len);
    bool brk = (c >= 0x0A && c <= 0x0D) || (c >= 0x1C && c <= 0x1E) || c == 0x85 || c == 0x2028 || c == 0x2029;
    if (!brk) continue;
    out.push_back(s.substr(start, i - start));
    if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++len;
    start = i + len;
  }
  if (start < s.size()) out.push_back(s.substr(start));
  return out;
}

// re.split("[\r\n]", s): every CR and every LF is a break, empty pieces kept.
std::vector<std::string_view> split_cr_lf(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\r' && s[i] != '\n') continue;
    out.push_back(s.substr(start, i - start));
    start = i + 1;
  }
  out.push_back(s.substr(start));
  return out;
}

bool is_word_byte(char c) {
  auto b = static_cast<unsigned char>(c);
  return std::isalnum(b) || c == '_' || b >= 0x80;  // \w; non-ASCII taken as letters
}

// Length of an ANSI CSI sequence at s[i] (ESC [ params intermediates final), 0 if none.
size_t csi_length(std::string_view s, size_t i) {
  if (s.substr(i, 2) != "\x1b[") return 0;
  size_t j = i + 2;
  while (j < s.size() && s[j] >= 0x30 && s[j] <= 0x3F) ++j;
  while (j < s.size() && s[j] >= 0x20 && s[j] <= 0x2F) ++j;
  if (j < s.size() && s[j] >= 0x40 && s[j] <= 0x7E) return j + 1 - i;
  return 0;
}

// An OSC 8 hyperlink at s[i]: ESC]8;params;URI ESC\ text ESC]8;; ESC\ . Sets the visible text.
size_t osc8_length(std::string_view s, size_t i, std::string_view& text) {
  if (s.substr(i, 4) != "\x1b]8;") return 0;
  size_t j = i + 4;
  // (\w+=\w+:?)* then ';' — greedy matching is exact since \w excludes '=', ':' and ';'.
  for (;;) {
    size_t k = j;
    while (k < s.size() && is_word_byte(s[k])) ++k;
    if (k == j || k >= s.size() || s[k] != '=') break;
    size_t v = ++k;
    while (k < s.size() && is_word_byte(s[k])) ++k;
    if (k == v) break;
    if (k < s.size() && s[k] == ':') ++k;
    j = k;
  }
  if (j >= s.size() || s[j] != ';') return 0;
  size_t uri_end = s.find('\x1b', j + 1);
  if (uri_end == std::string_view::npos || uri_end == j + 1 || s.substr(uri_end, 2) != "\x1b\\") return 0;
  size_t text_end = s.find('\x1b', uri_end + 2);
  if (text_end == std::string_view::npos || text_end == uri_end + 2) return 0;
  if (s.substr(text_end, 7) != "\x1b]8;;\x1b\\") return 0;
  text = s.substr(uri_end + 2, text_end - uri_end - 2);
  return text_end + 7 - i;
}

// tabulate's _strip_ansi: colour codes removed, hyperlinks replaced by their text.
std::string strip_ansi(std::string_view s) {
  if (s.find('\x1b') == std::string_view::npos) return std::string(s);
  std::string out;
  for (size_t i = 0; i < s.size();) {
    std::string_view text;
    if (size_t n = csi_length(s, i)) {
      i += n;
    } else if (size_t m = osc8_length(s, i, text)) {
      out += text;
      i += m;
    } else {
      out += s[i++];
    }
  }
  return out;
}

// Width of a cell that may span several lines: its widest line.
size_t cell_width(std::string_view s) {
  size_t w = 0;
  for (auto line : split_cr_lf(s)) w = std::max(w, text_width(line));
  return w;
}

}  // namespace

size_t text_width(std::string_view s) { return code_points(strip_ansi(s)); }

// ---------------------------------------------------------------------------------------------
// What tabulate counts as a number, for its decimal alignment (_isnumber, _isint, _afterpoint).

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Appends a run of ASCII digits where single underscores may sit between digits (Python's
// rule for float() and int()); returns how many digits it took.
size_t digit_run(std::string_view s, size_t& i, std::string& out) {
  size_t n = 0;
  while (i < s.size()) {
    if (is_digit(s[i])) {
      out += s[i++];
      ++n;
    } else if (s[i] == '_' && n > 0 && i + 1 < s.size() && is_digit(s[i + 1])) {
      ++i;
    } else {
      break;
    }
  }
  return n;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Decimal magnitude of a plain decimal ("123.4e5" -> 7); only its sign is used, to tell an
// overflow from an underflow.
long magnitude(std::string_view digits_and_exp) {
  size_t e = digits_and_exp.find_first_of("eE");
  std::string_view mant = digits_and_exp.substr(0, e);
  long exp = 0;
  if (e != std::string_view::npos) {
    std::string_view x = digits_and_exp.substr(e + 1);
    bool neg = !x.empty() && x[0] == '-';
    if (!x.empty() && (x[0] == '-' || x[0] == '+')) x.remove_prefix(1);
    for (char c : x) exp = std::min(exp * 10 + (c - '0'), 1000000000L);
    if (neg) exp = -exp;
  }
  size_t point = std::min(mant.find('.'), mant.size());
  size_t first = mant.find_first_not_of("0.");
  if (first == std::string_view::npos) return 0;
  return first < point ? long(point - first - 1) + exp : -long(first - point) + exp;
}

// Python's float(s) on ASCII text; `finite` tells whether the value is finite.
bool parse_python_float(std::string_view s, bool& finite) {
  s = py_strip(s);
  size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  std::string word = ascii_lower(s.substr(i));
  if (word == "inf" || word == "infinity" || word == "nan") {
    finite = false;
    return true;
  }
  std::string clean;
  size_t digits = digit_run(s, i, clean);
  if (i < s.size() && s[i] == '.') {
    clean += s[i++];
    digits += digit_run(s, i, clean);
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    clean += s[i++];
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) clean += s[i++];
    if (digit_run(s, i, clean) == 0) return false;
  }
  if (i != s.size()) return false;
  finite = true;
  double v;
  auto r = std::from_chars(clean.data(), clean.data() + clean.size(), v);
  if (r.ec == std::errc::result_out_of_range) finite = magnitude(clean) < 0;  // underflow is 0.0
  return true;
}

// tabulate's _isnumber on a string: float() accepts it, and it is not an overflow to inf.
bool is_tabulate_number(std::string_view s) {
  bool finite = false;
  if (!parse_python_float(s, finite)) return false;
  if (finite) return true;
  std::string low = ascii_lower(s);
  return low == "inf" || low == "-inf" || low == "nan";
}

// Python's int(s) on ASCII text.
bool is_python_int(std::string_view s) {
  s = py_strip(s);
  size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  std::string ignored;
  return digit_run(s, i, ignored) > 0 && i == s.size();
}

// tabulate's _float_with_thousands_separators regex:
// ^(([+-]?[0-9]{1,3})(?:,([0-9]{3}))*)?(?(1)\.[0-9]*|\.[0-9]+)?$
bool is_thousands_number(std::string_view s) {
  if (!s.empty() && s.back() == '\n') s.remove_suffix(1);  // '$' also matches before a final LF
  size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-') && s.size() > 1 && is_digit(s[1])) ? 1 : 0;
  size_t lead = 0;
  while (i < s.size() && lead < 3 && is_digit(s[i])) ++i, ++lead;
  bool group = lead > 0;
  if (!group) i = 0;
  while (group && i + 3 < s.size() && s[i] == ',' && is_digit(s[i + 1]) && is_digit(s[i + 2]) &&
         is_digit(s[i + 3]))
    i += 4;
  if (i < s.size() && s[i] == '.') {
    size_t frac = ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (!group && i == frac) return false;
  }
  return i == s.size();
}

// tabulate's _afterpoint: characters after the decimal point (or after the 'e' when there is
// no point) of a number; -1 for integers and non-numbers.
int after_point(std::string_view s) {
  if (!is_tabulate_number(s) && !is_thousands_number(s)) return -1;
  if (is_python_int(s)) return -1;
  size_t pos = s.rfind('.');
  if (pos == std::string_view::npos) pos = s.find_last_of("eE");
  if (pos == std::string_view::npos) return -1;
  return static_cast<int>(code_points(s.substr(pos + 1)));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// tabulate "simple"

namespace {

// Pads s with spaces up to `width` when it is `w` wide.
std::string pad_to(std::string_view s, size_t w, size_t width, bool right) {
  std::string fill(width > w ? width - w : 0, ' ');
  return right ? fill + std::string(s) : std::string(s) + fill;
}

std::string pad(std::string_view s, size_t width, bool right) { return pad_to(s, text_width(s), width, right); }

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

// A multi-line cell: each of its lines (as str.splitlines cuts them) padded, joined with LF.
std::string pad_lines(std::string_view s, size_t width, bool right) {
  std::vector<std::string> lines;
  for (auto line : split_lines(s)) lines.push_back(pad(line, width, right));
  return join(lines, "\n");
}

// The same when the table holds ANSI codes: tabulate then measures the pieces between CRs and
// LFs but pads the str.splitlines() lines, pairing them in order; where the two cuts differ
// (CRLF, VT, FF, ...) widths shift and extra lines are dropped. Replicated for identical output.
std::string pad_lines_invisible(std::string_view s, size_t width, bool right) {
  auto pieces = split_cr_lf(s);
  auto lines = split_lines(s);
  std::vector<std::string> out;
  for (size_t i = 0; i < std::min(pieces.size(), lines.size()); ++i) {
    size_t invisible = code_points(pieces[i]) - text_width(pieces[i]);
    out.push_back(pad_to(lines[i], code_points(lines[i]), width + invisible, right));
  }
  return join(out, "\n");
}

enum class Layout { OneLine, MultiLine, MultiLineInvisible };

std::string pad_cell(std::string_view s, size_t width, bool right, Layout layout) {
  switch (layout) {
    case Layout::OneLine: return pad(s, width, right);
    case Layout::MultiLine: return pad_lines(s, width, right);
    default: return pad_lines_invisible(s, width, right);
  }
}

// tabulate's _align_column: text stripped and left-aligned; numbers padded on the right to
// line up their decimal points, then right-aligned. Returns the column width.
size_t align_column(std::vector<std::string>& cells, bool numeric, size_t min_width, Layout layout) {
  if (numeric) {
    std::vector<int> after(cells.size());
    for (size_t i = 0; i < cells.size(); ++i) after[i] = after_point(strip_ansi(cells[i]));
    int most = *std::max_element(after.begin(), after.end());
    for (size_t i = 0; i < cells.size(); ++i) cells[i].append(most - after[i], ' ');
  } else {
    for (auto& c : cells) c = std::string(py_strip(c));
  }
  size_t width = min_width;
  for (const auto& c : cells) width = std::max(width, cell_width(c));
  size_t column_width = min_width;
  for (auto& c : cells) {
    c = pad_cell(c, width, numeric, layout);
    column_width = std::max(column_width, cell_width(c));  // wider than `width` only by the quirk above
  }
  return column_width;
}

// tabulate's _align_header: a multi-line header is cut at every CR and every LF.
std::string align_header(std::string_view h, bool right, size_t width, bool multiline) {
  if (!multiline) return pad(h, width, right);
  std::vector<std::string> lines;
  for (auto line : split_cr_lf(h)) lines.push_back(pad(line, width, right));
  return join(lines, "\n");
}

// One table row: cells joined by two spaces, trailing whitespace dropped; in multi-line mode
// as many lines as its tallest cell, shorter cells filled with blanks (a row of empty cells
// then has no line at all, as in tabulate).
void append_row(std::vector<std::string>& lines, const std::vector<std::string>& cells,
                const std::vector<size_t>& widths, bool multiline) {
  if (!multiline) {
    lines.emplace_back(py_rstrip(join(cells, "  ")));
    return;
  }
  std::vector<std::vector<std::string_view>> parts;
  size_t height = 0;
  for (const auto& c : cells) {
    parts.push_back(split_lines(c));
    height = std::max(height, parts.back().size());
  }
  for (size_t j = 0; j < height; ++j) {
    std::vector<std::string> line;
    for (size_t k = 0; k < cells.size(); ++k)
      line.push_back(j < parts[k].size() ? std::string(parts[k][j]) : std::string(widths[k], ' '));
    lines.emplace_back(py_rstrip(join(line, "  ")));
  }
}

std::string dash_line(const std::vector<size_t>& widths) {
  std::vector<std::string> dashes;
  for (size_t w : widths) dashes.emplace_back(w, '-');
  return std::string(py_rstrip(join(dashes, "  ")));
}

bool any_of_cells(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows,
                  bool (*test)(const std::string&)) {
  if (std::any_of(headers.begin(), headers.end(), test)) return true;
  for (const auto& r : rows)
    if (std::any_of(r.begin(), r.end(), test)) return true;
  return false;
}

// tabulate switches to multi-line layout when any header or cell holds a CR or LF, and to
// its ANSI-aware padding when any holds an escape sequence.
Layout table_layout(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows) {
  auto line_break = [](const std::string& s) { return s.find_first_of("\r\n") != std::string::npos; };
  auto ansi = [](const std::string& s) { return s.find('\x1b') != std::string::npos && strip_ansi(s) != s; };
  if (!any_of_cells(headers, rows, line_break)) return Layout::OneLine;
  return any_of_cells(headers, rows, ansi) ? Layout::MultiLineInvisible : Layout::MultiLine;
}

// Headers after tabulate's normalisation: padded on the left with "" up to the length of the
// first row; then the table has as many columns as both the headers and the rows have (zip).
std::vector<std::string> shape_headers(const std::vector<std::string>& headers,
                                       const std::vector<std::vector<std::string>>& rows, size_t& ncols) {
  size_t data_cols = 0;
  for (const auto& r : rows) data_cols = std::max(data_cols, r.size());
  std::vector<std::string> h = headers;
  if (!h.empty() && !rows.empty() && rows[0].size() > h.size()) h.insert(h.begin(), rows[0].size() - h.size(), "");
  ncols = h.empty() ? data_cols : data_cols == 0 ? h.size() : std::min(data_cols, h.size());
  h.resize(h.empty() ? 0 : ncols);
  return h;
}

}  // namespace

std::string tabulate_simple(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows,
                            const std::vector<bool>& numeric) {
  size_t ncols = 0;
  std::vector<std::string> h = shape_headers(headers, rows, ncols);
  bool has_rows = !rows.empty() && std::any_of(rows.begin(), rows.end(), [](const auto& r) { return !r.empty(); });
  if (h.empty() && !has_rows) return "";
  Layout layout = table_layout(headers, rows);
  bool multiline = layout != Layout::OneLine;

  // Column by column: aligned cells and widths. Without rows, headers are left-aligned.
  std::vector<std::vector<std::string>> cols(ncols);
  std::vector<size_t> widths(ncols);
  std::vector<bool> right(ncols, false);
  for (size_t k = 0; k < ncols; ++k) {
    size_t min_width = h.empty() ? 0 : cell_width(h[k]) + 2;  // tabulate's MIN_PADDING
    widths[k] = min_width;
    if (!has_rows) continue;
    right[k] = k < numeric.size() && numeric[k];
    for (const auto& r : rows) cols[k].push_back(k < r.size() ? r[k] : std::string());
    widths[k] = align_column(cols[k], right[k], min_width, layout);
  }

  std::vector<std::string> lines;
  if (!h.empty()) {
    std::vector<std::string> padded;
    for (size_t k = 0; k < ncols; ++k) padded.push_back(align_header(h[k], right[k], widths[k], multiline));
    append_row(lines, padded, widths, multiline);
  }
  lines.push_back(dash_line(widths));  // below the header, or above the rows without headers
  if (has_rows) {
    std::vector<std::string> cells(ncols);
    for (size_t i = 0; i < rows.size(); ++i) {
      for (size_t k = 0; k < ncols; ++k) cells[k] = std::move(cols[k][i]);
      append_row(lines, cells, widths, multiline);
    }
  }
  if (h.empty()) lines.push_back(dash_line(widths));
  return join(lines, "\n");
}

}  // namespace lakota::text
