// SPDX-License-Identifier: MIT
// `gcsim calibrate`: fit cost-model parameters to real-run observations and write a profile.
#pragma once

#include <string>
#include <vector>

namespace gcsim::app {

/// args: OBSERVATIONS.json --out PROFILE.json [--name NAME] [--base PROFILE.json]. Returns the exit status.
int run_calibrate_command(const std::vector<std::string>& args);

}  // namespace gcsim::app
