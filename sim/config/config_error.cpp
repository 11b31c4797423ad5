// SPDX-License-Identifier: MIT
#include "sim/config/config_error.hpp"

#include <utility>

namespace gcsim {

InputError::InputError(std::string where, std::string what)
    : std::runtime_error(where + ": " + what), where_(std::move(where)), detail_(std::move(what)) {}

}  // namespace gcsim
