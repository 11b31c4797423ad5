// SPDX-License-Identifier: MIT
// The PI controller Go 1.18/1.19 uses to smooth cons/mark (piController, runtime/mgcpacer.go).
#pragma once

#include <cmath>

namespace gcsim::pacer {

/// next(input, setpoint, period): e = setpoint - input; raw = kp·e + I; out = clamp(raw);
/// I += (kp·period/ti)·e + (period/tt)·(out - raw). On overflow/NaN the state is reset and
/// next() returns false, as piController.next does.
struct PiController {
  double kp = 0.9, ti = 4.0, tt = 1000, min = -1000, max = 1000;
  double error_integral = 0;

  bool next(double input, double setpoint, double period, double& out) {
    double e = setpoint - input;
    double raw = kp * e + error_integral;
    if (!std::isfinite(raw)) {
      error_integral = 0;
      out = min;
      return false;
    }
    out = raw < min ? min : (raw > max ? max : raw);
    if (ti != 0 && tt != 0) {
      error_integral += (kp * period / ti) * e + (period / tt) * (out - raw);
      if (!std::isfinite(error_integral)) {
        error_integral = 0;
        return false;
      }
    }
    return true;
  }
};

}  // namespace gcsim::pacer
