#include "cli/output.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "lakota/error.h"

namespace lakota::cli {

Output::~Output() {
  try {
    flush();
  } catch (const Error&) {
  }
}

void Output::text(std::string_view s) {
  buffer_.append(s);
  drain();
}

void Output::line(std::string_view s) {
  buffer_.append(s);
  buffer_ += '\n';
  drain();
}

void Output::flush() {
  size_t done = 0;
  while (ok_ && done < buffer_.size()) {
    ssize_t n = ::write(STDOUT_FILENO, buffer_.data() + done, buffer_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ok_ = false;
      if (errno == EPIPE) break;  // the reader is gone: stop quietly
      int err = errno;
      buffer_.clear();
      throw StorageError(std::string("cannot write to standard output: ") + std::strerror(err));
    }
    done += size_t(n);
  }
  buffer_.clear();
}

}  // namespace lakota::cli
