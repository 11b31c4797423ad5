// SPDX-License-Identifier: MIT
// The list of concept generators, one per idea of the guide (configs/scenarios/README.md).
#include "workloads/generators/concepts/concept_generator.hpp"

namespace gcsim::workload::concepts {

// Each concept_*.cpp defines one of these.
ConceptKind size_classes_concept();
ConceptKind escape_concept();
ConceptKind pointer_writes_concept();
ConceptKind recursion_concept();
ConceptKind pool_concept();
ConceptKind append_concept();
ConceptKind pointer_density_concept();
ConceptKind subslice_concept();
ConceptKind slice_cap_concept();
ConceptKind map_concept();
ConceptKind leak_concept();
ConceptKind forced_gc_concept();
ConceptKind monitor_concept();

const std::vector<ConceptKind>& concept_kinds() {
  static const std::vector<ConceptKind> kinds = {
      size_classes_concept(), escape_concept(),  pointer_writes_concept(), recursion_concept(),
      pool_concept(),         append_concept(),  pointer_density_concept(), subslice_concept(),
      slice_cap_concept(),    map_concept(),     leak_concept(),           forced_gc_concept(),
      monitor_concept(),
  };
  return kinds;
}

}  // namespace gcsim::workload::concepts
