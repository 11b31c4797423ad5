// SPDX-License-Identifier: MIT
#include "sim/config/overrides.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/config/config_error.hpp"

namespace gcsim::config {

void apply_override(nlohmann::json& doc, const std::string& assignment) {
  auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw InputError("--set", "expected path=value, got '" + assignment + "'");
  std::string path = assignment.substr(0, eq);
  std::string text = assignment.substr(eq + 1);
  nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
  if (value.is_discarded()) value = text;
  try {  // JSON strings must be UTF-8: a raw string that is not would make every later dump() throw
    (void)nlohmann::json(path).dump();
    (void)value.dump();
  } catch (const nlohmann::json::type_error&) {
    throw InputError("--set", "'" + path + "': the assignment is not valid UTF-8");
  }
  nlohmann::json* node = &doc;
  std::string walked;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (key.empty()) throw InputError("--set", "empty key in path '" + path + "'");
    if (!node->is_object())
      throw InputError("--set", "'" + walked + "' is not a JSON object, cannot set '" + path + "'");
    walked += (walked.empty() ? "" : ".") + key;
    if (dot == std::string::npos) {
      (*node)[key] = value;
      return;
    }
    if (!node->contains(key)) (*node)[key] = nlohmann::json::object();
    node = &(*node)[key];
    start = dot + 1;
  }
}

nlohmann::json read_json_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(path, "is a directory, not a JSON file");
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot open file");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // Translate the byte offset into a line number.
    size_t line = 1;
    for (size_t i = 0; i < e.byte && i < text.size(); ++i)
      if (text[i] == '\n') ++line;
    std::string msg = e.what();
    auto pos = msg.find("syntax error");
    throw ConfigError(path + ":" + std::to_string(line),
                      "invalid JSON: " + (pos == std::string::npos ? msg : msg.substr(pos)));
  }
}

}  // namespace gcsim::config
