// Errors raised by the engine.
//
// Every failure is an exception of this small hierarchy. Each message names the object
// concerned (file, collection, series, column, row, value) and, where it helps, what to
// do. Front ends map the kind to an exit code (CLI) or an exception class (Python).
// Exceptions carry only strings: safe to copy and to pass between threads.
#pragma once

#include <stdexcept>
#include <string>

namespace lakota {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  virtual int exit_code() const { return 1; }
};

// Bad input from a caller: a value that does not parse, an unsorted index, a bad schema.
class InvalidInput : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return 2; }
};

// A collection, series, file or revision that does not exist.
class NotFound : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return 3; }
};

// Stored data that does not decode or does not match its checksum.
class CorruptData : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return 4; }
};

// A concurrent change that prevents the operation (an existing name, diverged heads).
class Conflict : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return 5; }
};

// The storage backend failed (I/O error, permission, full disk, network).
class StorageError : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return 6; }
};

}  // namespace lakota
