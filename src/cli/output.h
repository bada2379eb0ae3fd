// Standard output of the command line: buffered, and honest about failures. When the
// reader goes away (`lakota read ... | head`) output stops quietly; any other failure to
// write (a full disk, /dev/full) is a StorageError, which the command line turns into
// exit code 6, so that a script never takes a truncated output for a whole one.
#pragma once

#include <string>
#include <string_view>

namespace lakota::cli {

class Output {
 public:
  Output() = default;
  // Flushes what is left, without throwing (commands call flush() themselves to see errors).
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  void text(std::string_view s);
  void line(std::string_view s);
  std::string& buffer() { return buffer_; }
  // Writes what is buffered once it is large enough; false once the reader is gone.
  bool drain() {
    if (buffer_.size() >= (1 << 20)) flush();
    return ok_;
  }
  // Writes everything buffered. Throws StorageError when standard output fails.
  void flush();
  // False once stdout is closed by its reader.
  bool ok() const { return ok_; }

 private:
  std::string buffer_;
  bool ok_ = true;
};

}  // namespace lakota::cli
