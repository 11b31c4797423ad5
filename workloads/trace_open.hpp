// SPDX-License-Identifier: MIT
// Opening trace files by format: readers chosen by magic bytes, writers by file extension.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "workloads/trace_event.hpp"
#include "workloads/trace_writer.hpp"

namespace gcsim::workload {

enum class TraceFileFormat : uint8_t { kText, kBinary };

/// Opens a trace for streaming: binary if the file starts with the magic "GCSIMTRC", text otherwise.
/// Throws TraceError(path, ...) if the file cannot be opened or its header is bad.
std::unique_ptr<EventSource> open_trace(const std::string& path);

/// Output format from the extension: ".gct" text, ".gctb" binary. Throws InputError(path, ...)
/// naming the allowed extensions otherwise.
TraceFileFormat trace_format_for_path(const std::string& path);

/// Creates a writer for `path` in `format` (the file is created/truncated immediately).
std::unique_ptr<EventSink> create_trace_writer(const std::string& path, TraceFileFormat format);

}  // namespace gcsim::workload
