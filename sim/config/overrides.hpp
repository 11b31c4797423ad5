// SPDX-License-Identifier: MIT
// `--set path=value` overrides applied to a JSON document before validation.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace gcsim::config {

/// Applies "a.b.c=value" to `doc`: value is parsed as JSON if it parses (42, true, null, "x",
/// [1,2]), else taken as a string. Missing intermediate objects are created; strict validation
/// afterwards rejects keys that do not exist in the schema, naming their path.
/// Throws InputError("--set", ...) for a malformed assignment or a path through a non-object.
void apply_override(nlohmann::json& doc, const std::string& assignment);

/// Reads a JSON file; throws ConfigError("<file>:<line>", parse message) on malformed JSON and
/// InputError(file, "cannot open") if it cannot be read.
nlohmann::json read_json_file(const std::string& path);

}  // namespace gcsim::config
