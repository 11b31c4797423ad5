// SPDX-License-Identifier: MIT
// Size-class generation (mirrors runtime/mksizeclasses.go, Go 1.19) and lookup tables.
#include "models/allocator/size_classes.hpp"

#include <ostream>
#include <stdexcept>

namespace gcsim::alloc {
namespace {

bool is_power_of_two(uint32_t x) { return x != 0 && (x & (x - 1)) == 0; }

SizeClassInfo make_info(uint32_t size, uint32_t pages) {
    const uint32_t span = pages * kPageBytes;
    const uint32_t objects = span / size;
    return SizeClassInfo{size, pages, span, objects, span - objects * size};
}

// Smallest class whose size >= size (class 0 for size 0), as in printClasses().
uint8_t smallest_class_fitting(const std::array<SizeClassInfo, kNumSizeClasses>& classes, uint32_t size) {
    for (std::size_t c = 0; c < classes.size(); ++c) {
        if (classes[c].bytes_per_obj >= size) return static_cast<uint8_t>(c);
    }
    throw std::logic_error("size exceeds the largest size class");
}

}  // namespace

// mksizeclasses.go: makeClasses(). The computeDivMagic() check is omitted: it validates the
// runtime's division trick and does not change the table.
std::vector<SizeClassInfo> generate_size_classes() {
    struct Class {
        uint32_t size;
        uint32_t pages;
    };
    std::vector<Class> classes{{0, 0}};  // class 0: large objects

    uint32_t align = 8;
    for (uint32_t size = align; size <= kMaxSmallSizeBytes; size += align) {
        if (is_power_of_two(size)) {  // bump alignment at each power of two
            if (size >= 2048) {
                align = 256;
            } else if (size >= 128) {
                align = size / 8;
            } else if (size >= 32) {
                align = 16;
            }
        }
        // Smallest span whose leftover is at most 1/8 of the span.
        uint32_t span = kPageBytes;
        while (span % size > span / 8) span += kPageBytes;
        const uint32_t pages = span / kPageBytes;

        // Same pages and same object count as the previous class: grow that class instead.
        Class& prev = classes.back();
        if (classes.size() > 1 && pages == prev.pages && span / size == span / prev.size) {
            prev.size = size;
            continue;
        }
        classes.push_back({size, pages});
    }

    // Raise each size to the largest multiple of largeSizeDiv that keeps the same object count.
    for (std::size_t i = 1; i < classes.size(); ++i) {
        Class& c = classes[i];
        const uint32_t span = c.pages * kPageBytes;
        const uint32_t raised = (span / (span / c.size)) & ~(kLargeSizeDiv - 1);
        if (raised > c.size) c.size = raised;
    }

    if (classes.size() != kNumSizeClasses) throw std::logic_error("number of size classes has changed");

    std::vector<SizeClassInfo> out{SizeClassInfo{}};
    for (std::size_t i = 1; i < classes.size(); ++i) out.push_back(make_info(classes[i].size, classes[i].pages));
    return out;
}

// mksizeclasses.go: printClasses() (size_to_class8 / size_to_class128), as indexed by malloc.go.
SizeClassTable::SizeClassTable() {
    const std::vector<SizeClassInfo> generated = generate_size_classes();
    for (std::size_t c = 0; c < kNumSizeClasses; ++c) classes_[c] = generated[c];
    for (std::size_t i = 0; i < class8_.size(); ++i) {
        class8_[i] = smallest_class_fitting(classes_, static_cast<uint32_t>(i * kSmallSizeDiv));
    }
    for (std::size_t i = 0; i < class128_.size(); ++i) {
        class128_[i] = smallest_class_fitting(classes_, static_cast<uint32_t>(kSmallSizeMax + i * kLargeSizeDiv));
    }
}

const SizeClassTable& SizeClassTable::get() {
    static const SizeClassTable table;
    return table;
}

// mksizeclasses.go: printComment() (the class / bytes/obj / bytes/span / objects / tail waste columns).
void write_size_classes_csv(std::ostream& os) {
    const SizeClassTable& t = SizeClassTable::get();
    os << "class,bytes_per_obj,bytes_per_span,objects,tail_waste_bytes\n";
    for (std::size_t c = 1; c < t.size(); ++c) {
        const SizeClassInfo& s = t.info(static_cast<uint8_t>(c));
        os << c << ',' << s.bytes_per_obj << ',' << s.bytes_per_span << ',' << s.objects << ','
           << s.tail_waste_bytes << '\n';
    }
}

}  // namespace gcsim::alloc
