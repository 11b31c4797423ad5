// SPDX-License-Identifier: MIT
// Tests for the Go 1.19 size-class table, the size -> class lookup and the CSV writer.
#include "models/allocator/size_classes.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace gcsim::alloc;

namespace {

// Fixture transcribed (by script) from the comment table in Go 1.19's runtime/sizeclasses.go.
std::vector<std::vector<uint32_t>> read_go_fixture() {
    std::ifstream in(GCSIM_SOURCE_ROOT "/tests/models/data/go1.19_sizeclasses.csv");
    REQUIRE(in.good());
    std::string line;
    std::getline(in, line);
    CHECK(line == "class,bytes_per_obj,bytes_per_span,objects,tail_waste_bytes");
    std::vector<std::vector<uint32_t>> rows;
    while (std::getline(in, line)) {
        std::vector<uint32_t> row;
        std::stringstream ss(line);
        std::string field;
        while (std::getline(ss, field, ',')) row.push_back(static_cast<uint32_t>(std::stoul(field)));
        REQUIRE(row.size() == 5);
        rows.push_back(row);
    }
    return rows;
}

uint8_t brute_force_class(const SizeClassTable& t, uint64_t size) {
    for (std::size_t c = 1; c < t.size(); ++c) {
        if (t.info(static_cast<uint8_t>(c)).bytes_per_obj >= size) return static_cast<uint8_t>(c);
    }
    return 0;
}

}  // namespace

TEST_SUITE("allocator") {
    TEST_CASE("generated size classes equal Go 1.19's table") {
        const std::vector<SizeClassInfo> classes = generate_size_classes();
        REQUIRE(classes.size() == kNumSizeClasses);
        CHECK(classes[0].bytes_per_obj == 0);
        CHECK(classes[0].pages == 0);
        CHECK(classes[0].bytes_per_span == 0);
        CHECK(classes[0].objects == 0);
        CHECK(classes[0].tail_waste_bytes == 0);

        const auto rows = read_go_fixture();
        REQUIRE(rows.size() == kNumSizeClasses - 1);
        for (const auto& row : rows) {
            const uint32_t cls = row[0];
            REQUIRE(cls >= 1);
            REQUIRE(cls < kNumSizeClasses);
            const SizeClassInfo& s = classes[cls];
            INFO("class " << cls);
            CHECK(s.bytes_per_obj == row[1]);
            CHECK(s.bytes_per_span == row[2]);
            CHECK(s.objects == row[3]);
            CHECK(s.tail_waste_bytes == row[4]);
            CHECK(s.pages * kPageBytes == s.bytes_per_span);
        }
        CHECK(classes[kTinySizeClass].bytes_per_obj == kTinySizeBytes);
        CHECK(classes[kNumSizeClasses - 1].bytes_per_obj == kMaxSmallSizeBytes);
    }

    TEST_CASE("class_of returns the smallest class that fits") {
        const SizeClassTable& t = SizeClassTable::get();
        REQUIRE(t.size() == kNumSizeClasses);
        for (uint64_t size = 1; size <= kMaxSmallSizeBytes; ++size) {
            const uint8_t cls = t.class_of(size);
            if (cls != brute_force_class(t, size)) {
                FAIL("size " << size << " -> class " << int(cls) << ", expected "
                             << int(brute_force_class(t, size)));
            }
        }
        CHECK(t.class_of(1) == 1);
        CHECK(t.class_of(8) == 1);
        CHECK(t.class_of(9) == 2);
        CHECK(t.class_of(16) == kTinySizeClass);
        CHECK(t.class_of(17) == 3);
        CHECK(t.class_of(128) == 10);
        CHECK(t.class_of(129) == 11);
        CHECK(t.class_of(1016) == 32);
        CHECK(t.class_of(1017) == 32);
        CHECK(t.class_of(1024) == 32);
        CHECK(t.class_of(1025) == 33);
        CHECK(t.class_of(8448) == 52);  // raised to 9472 by the post-pass
        CHECK(t.class_of(9472) == 52);
        CHECK(t.class_of(9473) == 53);
        CHECK(t.class_of(32768) == 67);
        CHECK(t.class_of(0) == 0);  // documented: zero-size allocations are the caller's job
    }

    TEST_CASE("table info matches generate_size_classes") {
        const SizeClassTable& t = SizeClassTable::get();
        const std::vector<SizeClassInfo> classes = generate_size_classes();
        for (std::size_t c = 0; c < kNumSizeClasses; ++c) {
            CHECK(t.info(static_cast<uint8_t>(c)).bytes_per_obj == classes[c].bytes_per_obj);
            CHECK(t.info(static_cast<uint8_t>(c)).pages == classes[c].pages);
        }
    }

    TEST_CASE("size-class CSV writer") {
        std::ostringstream os;
        write_size_classes_csv(os);
        std::istringstream in(os.str());
        std::vector<std::string> lines;
        for (std::string line; std::getline(in, line);) lines.push_back(line);
        REQUIRE(lines.size() == 68);
        CHECK(lines[0] == "class,bytes_per_obj,bytes_per_span,objects,tail_waste_bytes");
        CHECK(lines[1] == "1,8,8192,1024,0");
        CHECK(lines[2] == "2,16,8192,512,0");
        CHECK(lines[3] == "3,24,8192,341,8");
        CHECK(lines[67] == "67,32768,32768,1,0");

        std::ifstream fixture(GCSIM_SOURCE_ROOT "/tests/models/data/go1.19_sizeclasses.csv");
        std::stringstream expected;
        expected << fixture.rdbuf();
        CHECK(os.str() == expected.str());
    }
}
