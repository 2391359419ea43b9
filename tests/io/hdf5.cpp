#include "genepool/io/hdf5.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <functional>

#include "helpers.hpp"

using Catch::Matchers::Contains;
using genepool::hdf5::LayoutError;
using genepool::hdf5::Reader;
using genepool::hdf5::Writer;
namespace fs = std::filesystem;

namespace {

// A file with one of each kind of object the helper writes.
fs::path sample_file(const fs::path& dir) {
  genepool::hdf5::quiet();
  const fs::path path = dir / "sample.h5";
  H5::H5File file = genepool::hdf5::create(path);
  Writer w;
  w.text(file, "format", "sample");
  w.number(file, "version", std::int32_t{3});
  w.number(file, "ratio", 0.25);
  w.flag(file, "on", true);
  w.texts(file, "names", {"a", "bb"});
  const H5::Group g = w.group(file, "g", "a group");
  const std::vector<double> values = {1, 2, 3, 4, 5, 6};
  w.array(g, "matrix", values, {2, 3}, "two rows");
  w.strings(g, "words", {"x", "", "zz"}, {3});
  w.scalar_text(file, "config", "key = 1");
  genepool::hdf5::Appender<std::int64_t> column(w, w.extendible<std::int64_t>(g, "column", 0, 4, true), 0);
  const std::int64_t rows[] = {7, 8, 9};
  column.append(rows, 2);
  column.append(rows + 2, 1);
  return path;
}

std::string layout_error(const std::function<void()>& read) {
  try {
    read();
  } catch (const LayoutError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("hdf5: what the writer writes the reader reads back, with the file types of the format", "[hdf5]") {
  const auto dir = genepool::test::scratch_dir("hdf5-roundtrip");
  const H5::H5File file = genepool::hdf5::open_read(sample_file(dir));
  Reader r(file);
  CHECK(r.text(file, "format") == "sample");
  CHECK(r.number<std::int32_t>(file, "version") == 3);
  CHECK(r.number<double>(file, "version") == 3.0);  // an integer attribute reads as a number
  CHECK(r.number<double>(file, "ratio") == 0.25);
  CHECK(r.flag(file, "on"));
  CHECK(r.texts(file, "names") == std::vector<std::string>{"a", "bb"});
  CHECK(r.text(r.group("/g"), "description") == "a group");
  std::vector<hsize_t> dims;
  CHECK(r.numbers<double>("/g/matrix", 2, &dims) == std::vector<double>{1, 2, 3, 4, 5, 6});
  CHECK(dims == std::vector<hsize_t>{2, 3});
  CHECK(r.numbers_shaped<double>("/g/matrix", {2, 3}).size() == 6);
  CHECK(r.rows<double>("/g/matrix", 1, 1, 3) == std::vector<double>{4, 5, 6});
  CHECK(r.strings("/g/words", 1) == std::vector<std::string>{"x", "", "zz"});
  CHECK(r.scalar_text("/config") == "key = 1");
  CHECK(r.numbers<std::int64_t>("/g/column", 1) == std::vector<std::int64_t>{7, 8, 9});
  CHECK(r.dataset("/g/matrix").getDataType() == H5::PredType::IEEE_F64LE);
  CHECK(r.dataset("/g/column").getDataType() == H5::PredType::STD_I64LE);
  CHECK(file.openAttribute("version").getDataType() == H5::PredType::STD_I32LE);
  CHECK(file.openAttribute("on").getTypeClass() == H5T_ENUM);
  const H5::StrType text = file.openAttribute("format").getStrType();
  CHECK(text.isVariableStr());
  CHECK(text.getCset() == H5T_CSET_UTF8);
  fs::remove_all(dir);
}

TEST_CASE("hdf5: the reader names a missing object, a wrong type class, a wrong shape and a list for one value",
          "[hdf5]") {
  const auto dir = genepool::test::scratch_dir("hdf5-layout");
  const H5::H5File file = genepool::hdf5::open_read(sample_file(dir));
  Reader r(file);
  CHECK(layout_error([&] { r.numbers<double>("/g/none", 1); }) == "missing dataset '/g/none'");
  CHECK(layout_error([&] { r.group("/nothing/deeper"); }) == "missing group '/nothing/deeper'");
  CHECK(layout_error([&] { r.group("/config"); }) == "'/config' is not a group");
  CHECK(layout_error([&] { r.text(file, "absent"); }) == "missing attribute 'absent' of '/'");
  CHECK(layout_error([&] { r.numbers<std::int64_t>("/g/matrix", 2); }) ==
        "dataset '/g/matrix' is a floating-point number; expected an integer");
  CHECK(layout_error([&] { r.number<std::int32_t>(file, "ratio"); }) ==
        "attribute 'ratio' of '/' is a floating-point number; expected an integer");
  CHECK(layout_error([&] { r.number<double>(file, "format"); }) ==
        "attribute 'format' of '/' is a string; expected a number");
  CHECK(layout_error([&] { r.text(file, "names"); }) == "attribute 'names' of '/' holds 2 values; expected one");
  CHECK(layout_error([&] { r.numbers<double>("/g/matrix", 1); }) ==
        "dataset '/g/matrix' has shape [2][3]; expected 1 dimension(s)");
  CHECK(layout_error([&] { r.numbers_shaped<double>("/g/matrix", {3, 2}); }) ==
        "dataset '/g/matrix' has shape [2][3]; expected [3][2]");
  CHECK(layout_error([&] { r.rows<double>("/g/matrix", 1, 2, 3); }) ==
        "dataset '/g/matrix' has 2 rows; expected at least 3 (its table's columns differ in length)");
  CHECK(layout_error([&] { r.scalar_text("/g/words"); }) == "dataset '/g/words' has shape [3]; expected 0 dimension(s)");
  CHECK_THROWS_AS(r.dataset("/g/matrix", H5T_STRING), LayoutError);
  fs::remove_all(dir);
}

TEST_CASE("hdf5: an HDF5 failure becomes one IoError naming the file, the object and the outcome", "[hdf5]") {
  const auto dir = genepool::test::scratch_dir("hdf5-errors");
  genepool::hdf5::quiet();
  const fs::path path = dir / "out.h5";
  fs::create_directory(path.string() + ".partial");  // HDF5 cannot create a file there
  const genepool::AtomicFile output(path);  // its partial file is the directory
  try {
    (void)genepool::hdf5::create(path.string() + ".partial");
    FAIL("created a file over a directory");
  } catch (const H5::Exception& e) {
    const std::string message =
        genepool::hdf5::write_error(e, output, "file", "sample file").what();
    CHECK_THAT(message, Contains(path.string() + ": cannot write " + path.string() +
                                 ".partial: an I/O error (Is a directory), writing file; no sample file was written"));
    CHECK(message.find('\n') == std::string::npos);
    { std::ofstream(path) << "old"; }
    CHECK_THAT(genepool::hdf5::write_error(e, output, "w", "x").what(),
               Contains("; the existing " + path.string() + " is unchanged"));
    CHECK_THAT(genepool::hdf5::read_error(e, path, "dataset '/x'").what(),
               Contains(path.string() + ": dataset '/x': cannot read: HDF5 error in "));
  }
  fs::remove_all(dir);
}

TEST_CASE("hdf5: a link that leads nowhere is named with its target, a group where a dataset belongs as such",
          "[hdf5]") {
  const auto dir = genepool::test::scratch_dir("hdf5-links");
  const fs::path path = sample_file(dir);
  {
    H5::H5File file(path.string(), H5F_ACC_RDWR);
    REQUIRE(H5Lcreate_soft("/nowhere", file.getId(), "dangling", H5P_DEFAULT, H5P_DEFAULT) >= 0);
    REQUIRE(H5Lcreate_soft("/g/matrix", file.getId(), "alias", H5P_DEFAULT, H5P_DEFAULT) >= 0);
    REQUIRE(H5Lcreate_external("missing.h5", "/close", file.getId(), "elsewhere", H5P_DEFAULT, H5P_DEFAULT) >= 0);
  }
  const H5::H5File file = genepool::hdf5::open_read(path);
  Reader r(file);
  CHECK(layout_error([&] { r.numbers<double>("/dangling", 1); }) ==
        "'/dangling' is a soft link to '/nowhere', which does not exist");
  CHECK(layout_error([&] { r.numbers<double>("/dangling/deeper", 1); }) ==
        "'/dangling' is a soft link to '/nowhere', which does not exist");
  CHECK(layout_error([&] { r.numbers<double>("/elsewhere", 1); }) ==
        "'/elsewhere' is an external link to 'missing.h5:/close', which cannot be opened (a missing file or object)");
  CHECK(layout_error([&] { r.numbers<double>("/g", 1); }) == "'/g' is a group; expected a dataset");
  CHECK(r.numbers<double>("/alias", 2).size() == 6);  // a link that leads somewhere is read through
  fs::remove_all(dir);
}

TEST_CASE("hdf5: a declared size beyond the memory left is a LayoutError before anything is allocated", "[hdf5]") {
  const auto dir = genepool::test::scratch_dir("hdf5-huge");
  genepool::hdf5::quiet();
  const fs::path path = dir / "huge.h5";
  {
    H5::H5File file = genepool::hdf5::create(path);
    const hsize_t rows = hsize_t{1} << 40;
    const hsize_t chunk = 1024;
    H5::DSetCreatPropList create;
    create.setChunk(1, &chunk);
    file.createDataSet("rows", H5::PredType::IEEE_F64LE, H5::DataSpace(1, &rows), create);
    const hsize_t chunk2[2] = {64, 64};
    H5::DSetCreatPropList create2;
    create2.setChunk(2, chunk2);
    const hsize_t square[2] = {hsize_t{1} << 30, hsize_t{1} << 30};
    file.createDataSet("square", H5::PredType::STD_I64LE, H5::DataSpace(2, square), create2);
    const hsize_t beyond[2] = {hsize_t{1} << 32, hsize_t{1} << 32};
    file.createDataSet("beyond", H5::PredType::STD_I64LE, H5::DataSpace(2, beyond), create2);
  }
  const H5::H5File file = genepool::hdf5::open_read(path);
  Reader r(file);
  CHECK_THAT(layout_error([&] { r.numbers<double>("/rows", 1); }),
             Contains("dataset '/rows' of shape [1099511627776] needs 8.0 TiB of memory, more than the ") &&
                 Contains(" available to read"));
  CHECK_THAT(layout_error([&] { r.numbers<std::int64_t>("/square", 2); }), Contains("needs 8.0 EiB of memory"));
  CHECK_THAT(layout_error([&] { r.numbers<std::int64_t>("/beyond", 2); }),
             Contains("dataset '/beyond' of shape [4294967296][4294967296] needs more than 2^64 bytes of memory"));
  CHECK_THAT(layout_error([&] { r.rows<double>("/rows", 0, std::size_t{1} << 40, 0); }), Contains("needs 8.0 TiB"));
  fs::remove_all(dir);
}

TEST_CASE("hdf5: a shape reads as HDF5's dimensions, a scalar as such", "[hdf5]") {
  CHECK(genepool::hdf5::shape_text({2, 10}) == "[2][10]");
  CHECK(genepool::hdf5::shape_text({}) == "a scalar");
  CHECK(genepool::hdf5::type_class_name(H5T_ENUM) == "an enumeration");
}
