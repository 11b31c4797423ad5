// SPDX-License-Identifier: MIT
#include "sim/config/config_error.hpp"

#include <utility>

namespace gcsim {
namespace {

/// Control characters from user input (a JSON key "a\nb", a trace token) are escaped, so the
/// error stays one line.
std::string one_line(std::string s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7f) {
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  return out;
}

}  // namespace

InputError::InputError(std::string where, std::string what)
    : std::runtime_error(one_line(where) + ": " + one_line(what)),
      where_(one_line(std::move(where))),
      detail_(one_line(std::move(what))) {}

}  // namespace gcsim
