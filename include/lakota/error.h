// Errors raised by the engine.
//
// Every failure is an exception of this small hierarchy. Each message names the object
// concerned (file, collection, series, column, row, value) and, where it helps, what to
// do. An error carries its kind; front ends map the kind to what their users see (an exit
// code in the command line, an exception class in Python, a status in the server).
// Exceptions carry only strings: safe to copy and to pass between threads.
#pragma once

#include <stdexcept>
#include <string>

namespace lakota {

enum class ErrorKind {
  Internal,      // a bug or a resource failure of the engine itself
  InvalidInput,  // bad input from a caller
  NotFound,      // a collection, series, file or revision that does not exist
  CorruptData,   // stored data that does not decode or does not match its checksum
  Conflict,      // a concurrent change that prevents the operation
  Storage,       // the storage backend failed (I/O error, permission, full disk, network)
  AccessDenied,  // the store refused the credentials or their rights (S3 403)
};

// A message safe to print on a terminal: control bytes (NUL included), DEL and bytes that
// are not UTF-8 become \xNN, so that a message is one whole line whatever the input held.
std::string escape_message(const std::string& text);

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(escape_message(message)) {}
  explicit Error(const char* message) : Error(std::string(message)) {}
  virtual ErrorKind kind() const { return ErrorKind::Internal; }
};

// Bad input from a caller: a value that does not parse, an unsorted index, a bad schema.
class InvalidInput : public Error {
 public:
  using Error::Error;
  ErrorKind kind() const override { return ErrorKind::InvalidInput; }
};

// A collection, series, file or revision that does not exist.
class NotFound : public Error {
 public:
  using Error::Error;
  ErrorKind kind() const override { return ErrorKind::NotFound; }
};

// Stored data that does not decode or does not match its checksum.
class CorruptData : public Error {
 public:
  using Error::Error;
  ErrorKind kind() const override { return ErrorKind::CorruptData; }
};

// A concurrent change that prevents the operation (an existing name, diverged heads).
class Conflict : public Error {
 public:
  using Error::Error;
  ErrorKind kind() const override { return ErrorKind::Conflict; }
};

// The storage backend failed (I/O error, permission, full disk, network).
class StorageError : public Error {
 public:
  using Error::Error;
  ErrorKind kind() const override { return ErrorKind::Storage; }
};

// The store refused the request's credentials or what they allow (a wrong key or secret,
// an expired token, no permission on the bucket).
class AccessDenied : public StorageError {
 public:
  using StorageError::StorageError;
  ErrorKind kind() const override { return ErrorKind::AccessDenied; }
};

}  // namespace lakota
