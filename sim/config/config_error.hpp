// SPDX-License-Identifier: MIT
// Errors from bad user input (config, trace, flag): one line naming where and what.
#pragma once

#include <stdexcept>
#include <string>

namespace gcsim {

/// Bad user input. `where` is a JSON path ("runtime.gogc"), "file:line", or a flag name;
/// `what` says what is wrong and what is allowed. what() returns "where: what".
/// The app turns it into one line on stderr and exit status 2.
class InputError : public std::runtime_error {
 public:
  InputError(std::string where, std::string what);
  const std::string& where() const { return where_; }
  const std::string& detail() const { return detail_; }

 private:
  std::string where_;
  std::string detail_;
};

/// An error in a JSON configuration; `where` is the JSON path.
class ConfigError : public InputError {
 public:
  using InputError::InputError;
};

/// An error in a workload trace; `where` is "file:line" (text) or "file:byte N" (binary).
class TraceError : public InputError {
 public:
  using InputError::InputError;
};

}  // namespace gcsim
