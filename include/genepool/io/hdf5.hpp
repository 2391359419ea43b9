#pragma once
// The one HDF5 helper of genepool's files (results, checkpoint, market data): the file and memory
// types, a writer and a checking reader that keep `where` on the object at hand, and the translation
// of HDF5's exceptions into genepool's errors. Numbers are little-endian and fixed-width in the
// file, native in memory; text is variable-length UTF-8 (h5py reads attributes as str and datasets
// as bytes, str via .asstr()).
#include <H5Cpp.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <type_traits>
#include <vector>

#include "genepool/error.hpp"
#include "genepool/io/output_file.hpp"
#include "genepool/memory.hpp"

namespace genepool::hdf5 {

// The one place that keeps HDF5 quiet, called by every reader and writer (once per process;
// idempotent): HDF5's automatic printing of its error stack (H5Eset_auto2) is replaced by a recorder
// of the failure's system error (errno: ENOSPC, EFBIG, EIO, ...) for write_error, and the lines the
// C++ API's destructors write to std::cerr when a close fails ("DataSet::~DataSet - ...", one per
// open object after a full disk) are dropped. A failure is reported once, by genepool's one line.
void quiet();
// The errno recorded from HDF5's error stack since the last call (0: none), cleared.
int take_system_error();

template <class T>
const H5::PredType& file_type();
template <class T>
const H5::PredType& memory_type();

template <>
inline const H5::PredType& file_type<double>() { return H5::PredType::IEEE_F64LE; }
template <>
inline const H5::PredType& memory_type<double>() { return H5::PredType::NATIVE_DOUBLE; }
template <>
inline const H5::PredType& file_type<std::int32_t>() { return H5::PredType::STD_I32LE; }
template <>
inline const H5::PredType& memory_type<std::int32_t>() { return H5::PredType::NATIVE_INT32; }
template <>
inline const H5::PredType& file_type<std::uint32_t>() { return H5::PredType::STD_U32LE; }
template <>
inline const H5::PredType& memory_type<std::uint32_t>() { return H5::PredType::NATIVE_UINT32; }
template <>
inline const H5::PredType& file_type<std::int64_t>() { return H5::PredType::STD_I64LE; }
template <>
inline const H5::PredType& memory_type<std::int64_t>() { return H5::PredType::NATIVE_INT64; }
template <>
inline const H5::PredType& file_type<std::uint64_t>() { return H5::PredType::STD_U64LE; }
template <>
inline const H5::PredType& memory_type<std::uint64_t>() { return H5::PredType::NATIVE_UINT64; }

H5::StrType text_type();
// NOTE: the enum {FALSE = 0, TRUE = 1} over int8 is how h5py stores numpy bools, so it reads back as bool.
H5::EnumType bool_type();

// "/best/metrics" for a dataset, "/" for the root.
std::string path_of(const H5::H5Object& object);
// "[2][10]"; "a scalar" for no dimensions.
std::string shape_text(const std::vector<hsize_t>& dims);
// "an integer", "a string", ... for messages.
std::string type_class_name(H5T_class_t type_class);

// "HDF5 error in H5Dwrite: ..." from the C++ API's exception.
std::string describe(const H5::Exception& e);
// "PATH: cannot write PARTIAL: the disk is full (No space left on device), writing WHERE; the existing
// PATH is unchanged" (or "; no WHAT was written"), the cause from take_system_error() (the file size
// limit, a quota, another I/O error; a full disk also when the folder has no blocks left); or, when
// the partial file or its folder was removed meanwhile, file.lost_line().
IoError write_error(const H5::Exception& e, const AtomicFile& file, const std::string& where, const std::string& what);
// "PATH: WHERE: cannot read: HDF5 error in ..."
IoError read_error(const H5::Exception& e, const std::filesystem::path& path, const std::string& where);

// Creates (truncating) or opens read-only; HDF5's exceptions pass through. create(output) creates
// output's partial file and records it (AtomicFile::created).
H5::H5File create(const std::filesystem::path& path);
H5::H5File create(AtomicFile& output);
H5::H5File open_read(const std::filesystem::path& path);

// Creates attributes, groups and datasets, keeping `where` on the object at hand for error messages.
// A non-empty `description` becomes the new object's "description" attribute.
class Writer {
 public:
  void text(const H5::H5Object& object, const std::string& name, const std::string& value);
  void texts(const H5::H5Object& object, const std::string& name, const std::vector<std::string>& values);
  template <class T>
  void number(const H5::H5Object& object, const std::string& name, T value) {
    attribute(object, name, file_type<T>(), H5::DataSpace(H5S_SCALAR)).write(memory_type<T>(), &value);
  }
  void flag(const H5::H5Object& object, const std::string& name, bool value);

  H5::Group group(const H5::Group& parent, const std::string& name, const std::string& description = {});

  // A dataset of `dims` (row-major) from `values`, which holds their product (nullptr: written later).
  template <class T>
  H5::DataSet array(const H5::Group& parent, const std::string& name, const T* values, const std::vector<hsize_t>& dims,
                    const std::string& description = {}) {
    H5::DataSet set = dataset(parent, name, file_type<T>(), H5::DataSpace(static_cast<int>(dims.size()), dims.data()));
    if (values != nullptr && set.getSpace().getSimpleExtentNpoints() > 0) set.write(values, memory_type<T>());
    describe_object(set, description);
    return set;
  }
  template <class T>
  H5::DataSet array(const H5::Group& parent, const std::string& name, const std::vector<T>& values,
                    const std::vector<hsize_t>& dims, const std::string& description = {}) {
    return array(parent, name, values.data(), dims, description);
  }
  H5::DataSet strings(const H5::Group& parent, const std::string& name, const std::vector<std::string>& values,
                      const std::vector<hsize_t>& dims, const std::string& description = {});
  H5::DataSet scalar_text(const H5::Group& parent, const std::string& name, const std::string& value,
                          const std::string& description = {});
  // An empty dataset of [0] or [0][width] rows that grows by Appender (chunked; `compress`: shuffle + deflate 1).
  template <class T>
  H5::DataSet extendible(const H5::Group& parent, const std::string& name, hsize_t width, hsize_t chunk_rows,
                         bool compress, const std::string& description = {}) {
    return extendible(parent, name, file_type<T>(), width, chunk_rows, compress, description);
  }

  std::string& where() { return where_; }

 private:
  H5::Attribute attribute(const H5::H5Object& object, const std::string& name, const H5::DataType& type,
                          const H5::DataSpace& space);
  H5::DataSet dataset(const H5::Group& parent, const std::string& name, const H5::DataType& type,
                      const H5::DataSpace& space, const H5::DSetCreatPropList& create = H5::DSetCreatPropList::DEFAULT);
  H5::DataSet extendible(const H5::Group& parent, const std::string& name, const H5::DataType& type, hsize_t width,
                         hsize_t chunk_rows, bool compress, const std::string& description);
  void describe_object(const H5::H5Object& object, const std::string& description);

  std::string where_ = "file";
};

// Writes rows [first_row, first_row + rows) of a [N] (width 0) or [N][width] dataset from `values`.
template <class T>
void write_rows(const H5::DataSet& set, hsize_t first_row, const T* values, hsize_t rows, hsize_t width) {
  if (rows == 0) return;
  const int rank = width == 0 ? 1 : 2;
  H5::DataSpace file_space = set.getSpace();
  const hsize_t start[2] = {first_row, 0};
  const hsize_t block[2] = {rows, width};
  file_space.selectHyperslab(H5S_SELECT_SET, block, start);
  set.write(values, memory_type<T>(), H5::DataSpace(rank, block), file_space);
}

// Appends rows to an extendible dataset (Writer::extendible), naming it in `where` while it writes.
template <class T>
class Appender {
 public:
  Appender(Writer& out, H5::DataSet set, hsize_t width)
      : out_(&out), path_(path_of(set)), set_(std::move(set)), width_(width) {}

  void append(const T* values, hsize_t rows) {
    if (rows == 0) return;
    out_->where() = "dataset '" + path_ + "'";
    const hsize_t size[2] = {rows_ + rows, width_};
    set_.extend(size);
    write_rows(set_, rows_, values, rows, width_);
    rows_ += rows;
  }

  const H5::DataSet& set() const { return set_; }

 private:
  Writer* out_;
  std::string path_;
  H5::DataSet set_;
  hsize_t width_;
  hsize_t rows_ = 0;
};

// What a Reader found wrong with the file's layout: "missing dataset '/config'", "attribute 'seed'
// of '/' is a string; expected an integer", ... The caller adds the file name and its format's page.
class LayoutError : public Error {
 public:
  LayoutError(const std::string& message, bool missing) : Error(message), missing_(missing) {}
  bool missing() const { return missing_; }  // the object does not exist (rather than being of another kind)

 private:
  bool missing_;
};

// Reads objects by absolute path ("/best/metrics"), checking each one's existence, type class and
// shape (and that a scalar attribute holds one value) before reading it, so that a damaged file is a
// LayoutError naming the object, never a bad read. `where` names the object at hand for HDF5's own
// exceptions (read_error).
class Reader {
 public:
  explicit Reader(const H5::H5File& file) : file_(file) {}

  // Whether every component of `path` exists.
  bool exists(const std::string& path) const;
  H5::Group group(const std::string& path);
  // The dataset at `path`, of type class `type_class` (H5T_NO_CLASS: any).
  H5::DataSet dataset(const std::string& path, H5T_class_t type_class = H5T_NO_CLASS);
  // Its dimensions, unchecked.
  static std::vector<hsize_t> dims(const H5::DataSet& set);
  // Its dimensions, checked to be `rank` many.
  std::vector<hsize_t> shape(const H5::DataSet& set, std::size_t rank);
  // A whole numeric dataset of `rank` dimensions, flattened row-major (integers for integral T).
  template <class T>
  std::vector<T> numbers(const std::string& path, std::size_t rank, std::vector<hsize_t>* dims = nullptr);
  // The same, checked to have exactly the dimensions `dims` before it is read (into `values`, which
  // holds their product).
  template <class T>
  std::vector<T> numbers_shaped(const std::string& path, const std::vector<hsize_t>& dims);
  template <class T>
  void numbers_shaped(const std::string& path, const std::vector<hsize_t>& dims, T* values);
  // Rows [first, first + count) of a [rows] (width 0) or [rows][width] numeric dataset.
  template <class T>
  std::vector<T> rows(const std::string& path, std::size_t first, std::size_t count, std::size_t width);
  // A whole string dataset (variable- or fixed-length), flattened row-major.
  std::vector<std::string> strings(const std::string& path, std::size_t rank, std::vector<hsize_t>* dims = nullptr);
  std::vector<std::string> strings_shaped(const std::string& path, const std::vector<hsize_t>& dims);
  std::string scalar_text(const std::string& path);

  bool has_attribute(const H5::H5Object& object, const std::string& name) const { return object.attrExists(name); }
  // A scalar attribute of type class `type_class` holding one value.
  H5::Attribute attribute(const H5::H5Object& object, const std::string& name, H5T_class_t type_class);
  std::string text(const H5::H5Object& object, const std::string& name);
  // A string attribute of any number of values.
  std::vector<std::string> texts(const H5::H5Object& object, const std::string& name);
  // An integer attribute (integral T), or an integer or floating-point one (floating T).
  template <class T>
  T number(const H5::H5Object& object, const std::string& name);
  // The enum {FALSE, TRUE} over int8 the writer uses, or any integer.
  bool flag(const H5::H5Object& object, const std::string& name);

  // The values of an open attribute, with no checks beyond what HDF5 does.
  static std::vector<std::string> texts(const H5::Attribute& attribute);
  static bool flag(const H5::Attribute& attribute);

  std::string& where() { return where_; }

 private:
  void check_shape(const H5::DataSet& set, const std::vector<hsize_t>& dims);
  // The number of elements of `dims`, checked (memory_shortfall, genepool/memory.hpp) to fit in the
  // memory left at `element_bytes` each before anything is allocated: a LayoutError naming `path` otherwise.
  static std::size_t elements(const std::string& path, const std::vector<hsize_t>& dims, std::size_t element_bytes);
  // set.read(...); a failed Fletcher32 checksum (a damaged file) is a LayoutError naming `path`.
  static void read(const H5::DataSet& set, const std::string& path, void* values, const H5::DataType& type,
                   const H5::DataSpace& memory = H5::DataSpace::ALL, const H5::DataSpace& file = H5::DataSpace::ALL);
  static std::vector<std::string> read_strings(const H5::DataSet& set, std::size_t count);
  H5::Attribute open_attribute(const H5::H5Object& object, const std::string& name);
  void check_class(const std::string& what, H5T_class_t found, H5T_class_t expected, bool number);
  template <class T>
  static constexpr H5T_class_t class_of() {
    return std::is_floating_point_v<T> ? H5T_FLOAT : H5T_INTEGER;
  }

  const H5::H5File& file_;
  std::string where_ = "file";
};

template <class T>
std::vector<T> Reader::numbers(const std::string& path, std::size_t rank, std::vector<hsize_t>* dims) {
  const H5::DataSet set = dataset(path, class_of<T>());
  const std::vector<hsize_t> d = shape(set, rank);
  std::vector<T> values(elements(path, d, sizeof(T)));
  const std::size_t count = values.size();
  if (count > 0) read(set, path, values.data(), memory_type<T>());
  if (dims != nullptr) *dims = d;
  return values;
}

template <class T>
void Reader::numbers_shaped(const std::string& path, const std::vector<hsize_t>& dims, T* values) {
  const H5::DataSet set = dataset(path, class_of<T>());
  check_shape(set, dims);
  if (set.getSpace().getSimpleExtentNpoints() > 0) read(set, path, values, memory_type<T>());
}

template <class T>
std::vector<T> Reader::numbers_shaped(const std::string& path, const std::vector<hsize_t>& dims) {
  std::vector<T> values(elements(path, dims, sizeof(T)));
  numbers_shaped(path, dims, values.data());
  return values;
}

template <class T>
std::vector<T> Reader::rows(const std::string& path, std::size_t first, std::size_t count, std::size_t width) {
  const H5::DataSet set = dataset(path, class_of<T>());
  const std::vector<hsize_t> d = shape(set, width == 0 ? 1 : 2);
  if (width != 0 && d[1] != width)
    throw LayoutError("dataset '" + path + "' has shape " + shape_text(d) + "; expected " + std::to_string(width) +
                          " columns",
                      false);
  if (first + count > d[0])
    throw LayoutError("dataset '" + path + "' has " + std::to_string(d[0]) + " rows; expected at least " +
                          std::to_string(first + count) + " (its table's columns differ in length)",
                      false);
  const std::size_t w = width == 0 ? 1 : width;
  std::vector<T> values(elements(path, {count, w}, sizeof(T)));
  if (count == 0) return values;
  H5::DataSpace file_space = set.getSpace();
  const hsize_t start[2] = {first, 0};
  const hsize_t block[2] = {count, w};
  file_space.selectHyperslab(H5S_SELECT_SET, block, start);
  read(set, path, values.data(), memory_type<T>(), H5::DataSpace(width == 0 ? 1 : 2, block), file_space);
  return values;
}

template <class T>
T Reader::number(const H5::H5Object& object, const std::string& name) {
  const H5::Attribute a = attribute(object, name, class_of<T>());
  T value{};
  a.read(memory_type<T>(), &value);
  return value;
}

}  // namespace genepool::hdf5
