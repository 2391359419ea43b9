#include "genepool/io/hdf5.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <limits>
#include <streambuf>
#include <system_error>

#include "genepool/io/output_file.hpp"

namespace genepool::hdf5 {

namespace fs = std::filesystem;

namespace {

// The system error (errno) of the last failed HDF5 call that had one: HDF5's file driver writes it
// into its error stack as "..., errno = 28, error message = 'No space left on device', ...".
int recorded_errno = 0;

herr_t record_system_error(hid_t stack, void*) {
  H5Ewalk2(
      stack, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* error, void*) -> herr_t {
        const char* found = error->desc != nullptr ? std::strstr(error->desc, "errno = ") : nullptr;
        if (found != nullptr) {
          const long value = std::strtol(found + 8, nullptr, 10);
          if (value > 0) recorded_errno = static_cast<int>(value);
        }
        return 0;
      },
      nullptr);
  return 0;  // prints nothing
}

// Whether `line` begins "NAME::~NAME - " (1), cannot (0), or may once more text comes (-1): the
// line HDF5's C++ API writes to std::cerr when a destructor's close fails ("DataSet::~DataSet - ...").
int destructor_line(std::string_view line) {
  std::size_t i = 0;
  const auto name = [&] {
    const std::size_t start = i;
    while (i < line.size() && (std::isalnum(static_cast<unsigned char>(line[i])) != 0 || line[i] == '_')) ++i;
    return i > start;
  };
  const auto literal = [&](std::string_view text) {
    for (const char c : text) {
      if (i == line.size()) return -1;
      if (line[i++] != c) return 0;
    }
    return 1;
  };
  if (!name() || i == line.size()) return i == line.size() ? -1 : 0;
  if (const int matched = literal("::~"); matched != 1) return matched;
  if (!name() || i == line.size()) return i == line.size() ? -1 : 0;
  return literal(" - ");
}

// std::cerr's buffer once quiet() has run: whole lines go on to the original buffer, except the
// destructors' lines (a failure is reported once, by genepool's own line).
class WithoutDestructorLines final : public std::streambuf {
 public:
  explicit WithoutDestructorLines(std::streambuf* to) : to_(to) {}

 protected:
  int overflow(int c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    line_ += static_cast<char>(c);
    if (c == '\n') pass_line();
    return c;
  }
  std::streamsize xsputn(const char* text, std::streamsize count) override {
    for (std::streamsize k = 0; k < count; ++k) overflow(static_cast<unsigned char>(text[k]));
    return count;
  }
  int sync() override {
    if (!line_.empty() && destructor_line(line_) == 0) pass_line();
    return to_->pubsync();
  }

 private:
  void pass_line() {
    if (line_.back() != '\n' || destructor_line(line_) != 1)
      to_->sputn(line_.data(), static_cast<std::streamsize>(line_.size()));
    line_.clear();
  }

  std::streambuf* to_;
  std::string line_;
};

}  // namespace

void quiet() {
  static const bool quiet = [] {
    H5Eset_auto2(H5E_DEFAULT, record_system_error, nullptr);
    // NOTE: never deleted: std::cerr may write until the process ends.
    std::cerr.rdbuf(new WithoutDestructorLines(std::cerr.rdbuf()));
    return true;
  }();
  (void)quiet;
}

int take_system_error() {
  const int error = recorded_errno;
  recorded_errno = 0;
  return error;
}

H5::StrType text_type() {
  H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  type.setCset(H5T_CSET_UTF8);
  return type;
}

H5::EnumType bool_type() {
  H5::EnumType type(sizeof(std::int8_t));
  std::int8_t no = 0;
  std::int8_t yes = 1;
  type.insert("FALSE", &no);
  type.insert("TRUE", &yes);
  return type;
}

std::string path_of(const H5::H5Object& object) {
  std::string path = object.getObjName();
  return path.empty() ? "/" : path;
}

std::string shape_text(const std::vector<hsize_t>& dims) {
  std::string text;
  for (hsize_t d : dims) text.append("[").append(std::to_string(d)).append("]");
  return text.empty() ? "a scalar" : text;
}

std::string type_class_name(H5T_class_t type_class) {
  switch (type_class) {
    case H5T_INTEGER: return "an integer";
    case H5T_FLOAT: return "a floating-point number";
    case H5T_STRING: return "a string";
    case H5T_ENUM: return "an enumeration";
    case H5T_COMPOUND: return "a compound";
    case H5T_ARRAY: return "an array";
    default: return "of HDF5 type class " + std::to_string(static_cast<int>(type_class));
  }
}

std::string describe(const H5::Exception& e) {
  const std::string detail = e.getDetailMsg();
  return "HDF5 error in " + e.getFuncName() + (detail.empty() ? "" : ": " + detail);
}

IoError write_error(const H5::Exception& e, const AtomicFile& file, const std::string& where, const std::string& what) {
  if (const std::string lost = file.lost_line(); !lost.empty()) return IoError(lost);  // the cause, not its errno
  const fs::path& path = file.path();
  const fs::path& partial = file.partial();
  std::error_code ignored;
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::string cause = write_failure(take_system_error(), folder);
  if (cause.empty()) cause = "an I/O error (" + describe(e) + ")";
  return IoError(path.string() + ": cannot write " + partial.string() + ": " + cause +
                 ", writing " + where + "; " +
                 (fs::exists(path, ignored) ? "the existing " + path.string() + " is unchanged"
                                            : "no " + what + " was written"));
}

IoError read_error(const H5::Exception& e, const fs::path& path, const std::string& where) {
  return IoError(path.string() + ": " + where + ": cannot read: " + describe(e));
}

H5::H5File create(const fs::path& path) {
  take_system_error();  // a new file: no earlier failure's errno
  return H5::H5File(path.string(), H5F_ACC_TRUNC);
}
H5::H5File create(AtomicFile& output) {
  H5::H5File file = create(output.partial());
  output.created();
  return file;
}

H5::H5File open_read(const fs::path& path) { return H5::H5File(path.string(), H5F_ACC_RDONLY); }

namespace {

constexpr std::size_t kChunkBytes = std::size_t{1} << 20;  // HDF5's default chunk cache per dataset

std::string child_path(const H5::Group& parent, const std::string& name) {
  const std::string path = path_of(parent);
  return path == "/" ? "/" + name : path + "/" + name;
}

std::vector<const char*> c_strings(const std::vector<std::string>& texts) {
  std::vector<const char*> pointers;
  pointers.reserve(texts.size());
  for (const auto& text : texts) pointers.push_back(text.c_str());
  return pointers;
}

// Variable-length strings into std::string; a null pointer (a damaged file) reads as "".
std::vector<std::string> take_strings(std::vector<char*>& pointers) {
  std::vector<std::string> values;
  values.reserve(pointers.size());
  for (const char* p : pointers) values.emplace_back(p != nullptr ? p : "");
  return values;
}

}  // namespace

// ---- Writer ----

void Writer::text(const H5::H5Object& object, const std::string& name, const std::string& value) {
  const H5::StrType type = text_type();
  attribute(object, name, type, H5::DataSpace(H5S_SCALAR)).write(type, value);
}

void Writer::texts(const H5::H5Object& object, const std::string& name, const std::vector<std::string>& values) {
  const H5::StrType type = text_type();
  const hsize_t n = values.size();
  const auto pointers = c_strings(values);
  H5::Attribute a = attribute(object, name, type, H5::DataSpace(1, &n));
  if (n > 0) a.write(type, pointers.data());
}

void Writer::flag(const H5::H5Object& object, const std::string& name, bool value) {
  const H5::EnumType type = bool_type();
  const std::int8_t v = value ? 1 : 0;
  attribute(object, name, type, H5::DataSpace(H5S_SCALAR)).write(type, &v);
}

H5::Group Writer::group(const H5::Group& parent, const std::string& name, const std::string& description) {
  where_ = "group '" + child_path(parent, name) + "'";
  H5::Group g = parent.createGroup(name);
  describe_object(g, description);
  return g;
}

H5::DataSet Writer::strings(const H5::Group& parent, const std::string& name, const std::vector<std::string>& values,
                            const std::vector<hsize_t>& dims, const std::string& description) {
  const H5::StrType type = text_type();
  H5::DataSet set = dataset(parent, name, type, H5::DataSpace(static_cast<int>(dims.size()), dims.data()));
  const auto pointers = c_strings(values);
  if (!values.empty()) set.write(pointers.data(), type);
  describe_object(set, description);
  return set;
}

H5::DataSet Writer::scalar_text(const H5::Group& parent, const std::string& name, const std::string& value,
                                const std::string& description) {
  const H5::StrType type = text_type();
  H5::DataSet set = dataset(parent, name, type, H5::DataSpace(H5S_SCALAR));
  set.write(value, type);
  describe_object(set, description);
  return set;
}

H5::Attribute Writer::attribute(const H5::H5Object& object, const std::string& name, const H5::DataType& type,
                                const H5::DataSpace& space) {
  where_ = "attribute '" + name + "' of '" + path_of(object) + "'";
  if (object.attrExists(name)) object.removeAttr(name);
  return object.createAttribute(name, type, space);
}

H5::DataSet Writer::dataset(const H5::Group& parent, const std::string& name, const H5::DataType& type,
                            const H5::DataSpace& space, const H5::DSetCreatPropList& create) {
  where_ = "dataset '" + child_path(parent, name) + "'";
  if (create.getLayout() == H5D_CHUNKED || space.getSimpleExtentType() != H5S_SIMPLE ||
      space.getSimpleExtentNpoints() == 0 || H5Tis_variable_str(type.getId()) > 0)
    return parent.createDataSet(name, type, space, create);
  // Every non-empty dataset of fixed-size elements is chunked with a Fletcher32 checksum, which HDF5
  // checks on every read (docs/results-format.md). A chunk holds at most 1 MiB, whole rows where a row
  // fits: within HDF5's default chunk cache, so a dataset written row by row (the best strategies'
  // equity curves) writes each chunk once instead of reading back and re-checksumming a larger one.
  // (HDF5 refuses filters on variable-length strings.)
  const int rank = space.getSimpleExtentNdims();
  std::vector<hsize_t> chunk(static_cast<std::size_t>(rank));
  space.getSimpleExtentDims(chunk.data());
  hsize_t room = std::max<hsize_t>(1, kChunkBytes / std::max<std::size_t>(1, type.getSize()));  // elements
  for (std::size_t d = chunk.size(); d-- > 0;) {
    chunk[d] = std::min(chunk[d], room);
    room = std::max<hsize_t>(1, room / chunk[d]);
  }
  H5::DSetCreatPropList checked;  // a copy: the copy constructor shares the list (and DEFAULT)
  checked.copy(create);
  checked.setChunk(rank, chunk.data());
  checked.setFletcher32();
  return parent.createDataSet(name, type, space, checked);
}

H5::DataSet Writer::extendible(const H5::Group& parent, const std::string& name, const H5::DataType& type,
                               hsize_t width, hsize_t chunk_rows, bool compress, const std::string& description) {
  const int rank = width == 0 ? 1 : 2;
  const hsize_t dims[2] = {0, width};
  const hsize_t max[2] = {H5S_UNLIMITED, width};
  const hsize_t chunk[2] = {chunk_rows, width};
  H5::DSetCreatPropList create;
  create.setChunk(rank, chunk);
  create.setFletcher32();
  if (compress && H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0) {
    create.setShuffle();
    create.setDeflate(1);
  }
  H5::DataSet set = dataset(parent, name, type, H5::DataSpace(rank, dims, max), create);
  describe_object(set, description);
  return set;
}

void Writer::describe_object(const H5::H5Object& object, const std::string& description) {
  if (!description.empty()) text(object, "description", description);
}

// ---- Reader ----

namespace {

// The text of a soft link's target, or "FILE:/OBJECT" of an external link.
std::string link_target(hid_t file, const std::string& path, const H5L_info_t& info) {
  std::vector<char> value(info.u.val_size + 1, '\0');
  if (H5Lget_val(file, path.c_str(), value.data(), value.size(), H5P_DEFAULT) < 0) return "?";
  if (info.type != H5L_TYPE_EXTERNAL) return value.data();
  const char* target_file = nullptr;
  const char* target_object = nullptr;
  if (H5Lunpack_elink_val(value.data(), value.size(), nullptr, &target_file, &target_object) < 0) return "?";
  return std::string(target_file) + ":" + target_object;
}

}  // namespace

bool Reader::exists(const std::string& path) const {
  if (path == "/") return true;
  for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    const std::string prefix = path.substr(0, slash);
    if (!file_.nameExists(prefix)) return false;
    // A link that leads nowhere (a soft link to a missing object, an external link to a missing file
    // or object) exists as a link: say so, rather than let HDF5 fail to open it.
    H5L_info_t info{};
    if (H5Lget_info(file_.getId(), prefix.c_str(), &info, H5P_DEFAULT) >= 0 && info.type != H5L_TYPE_HARD &&
        H5Oexists_by_name(file_.getId(), prefix.c_str(), H5P_DEFAULT) <= 0) {
      const bool soft = info.type == H5L_TYPE_SOFT;
      throw LayoutError("'" + prefix + "' is " + (soft ? "a soft link to '" : "an external link to '") +
                            excerpt(link_target(file_.getId(), prefix, info)) + "', which " +
                            (soft ? "does not exist" : "cannot be opened (a missing file or object)"),
                        false);
    }
    if (slash == std::string::npos) return true;
  }
}

H5::Group Reader::group(const std::string& path) {
  where_ = "group '" + path + "'";
  if (path == "/") return file_.openGroup("/");
  if (!exists(path)) throw LayoutError("missing group '" + path + "'", true);
  if (file_.childObjType(path) != H5O_TYPE_GROUP) throw LayoutError("'" + path + "' is not a group", false);
  return file_.openGroup(path);
}

H5::DataSet Reader::dataset(const std::string& path, H5T_class_t type_class) {
  where_ = "dataset '" + path + "'";
  if (!exists(path)) throw LayoutError("missing dataset '" + path + "'", true);
  if (const H5O_type_t kind = file_.childObjType(path); kind != H5O_TYPE_DATASET)
    throw LayoutError("'" + path + "' is " + (kind == H5O_TYPE_GROUP ? "a group" : "not a dataset") +
                          "; expected a dataset",
                      false);
  H5::DataSet set = file_.openDataSet(path);
  if (type_class != H5T_NO_CLASS) check_class("dataset '" + path + "'", set.getTypeClass(), type_class, false);
  return set;
}

std::vector<hsize_t> Reader::dims(const H5::DataSet& set) {
  const H5::DataSpace space = set.getSpace();
  std::vector<hsize_t> dims(static_cast<std::size_t>(space.getSimpleExtentNdims()));
  if (!dims.empty()) space.getSimpleExtentDims(dims.data());
  return dims;
}

std::vector<hsize_t> Reader::shape(const H5::DataSet& set, std::size_t rank) {
  const std::vector<hsize_t> dims = Reader::dims(set);
  if (dims.size() != rank)
    throw LayoutError("dataset '" + path_of(set) + "' has shape " + shape_text(dims) + "; expected " +
                          std::to_string(rank) + " dimension(s)",
                      false);
  return dims;
}

std::vector<std::string> Reader::strings(const std::string& path, std::size_t rank, std::vector<hsize_t>* dims) {
  const H5::DataSet set = dataset(path, H5T_STRING);
  const std::vector<hsize_t> d = shape(set, rank);
  if (dims != nullptr) *dims = d;
  return read_strings(set, elements(path, d, sizeof(std::string) + sizeof(char*)));
}

std::vector<std::string> Reader::strings_shaped(const std::string& path, const std::vector<hsize_t>& dims) {
  const H5::DataSet set = dataset(path, H5T_STRING);
  check_shape(set, dims);
  return read_strings(set, elements(path, dims, sizeof(std::string) + sizeof(char*)));
}

std::size_t Reader::elements(const std::string& path, const std::vector<hsize_t>& dims, std::size_t element_bytes) {
  std::uint64_t count = 1;
  for (const hsize_t n : dims) {
    const std::optional<std::uint64_t> next = checked_product({count, n});
    count = next ? *next : std::numeric_limits<std::uint64_t>::max();
  }
  if (const std::string shortfall = memory_shortfall({count, element_bytes}); !shortfall.empty())
    throw LayoutError("dataset '" + path + "' of shape " + shape_text(dims) + " " + shortfall +
                          " to read (a damaged file, or one genepool did not write?)",
                      false);
  return static_cast<std::size_t>(count);
}

void Reader::check_shape(const H5::DataSet& set, const std::vector<hsize_t>& dims) {
  const std::vector<hsize_t> found = shape(set, dims.size());
  if (found != dims)
    throw LayoutError("dataset '" + path_of(set) + "' has shape " + shape_text(found) + "; expected " +
                          shape_text(dims),
                      false);
}

namespace {

// Whether HDF5's error stack holds a failed filter checksum (H5Zfletcher32.c: "data error detected
// by Fletcher32 checksum"); read right where the read failed, before another call clears it.
bool checksum_failed() {
  bool found = false;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* error, void* seen) -> herr_t {
        if (error->desc != nullptr && std::strstr(error->desc, "checksum") != nullptr) *static_cast<bool*>(seen) = true;
        return 0;
      },
      &found);
  return found;
}

}  // namespace

void Reader::read(const H5::DataSet& set, const std::string& path, void* values, const H5::DataType& type,
                  const H5::DataSpace& memory, const H5::DataSpace& file) {
  try {
    set.read(values, type, memory, file);
  } catch (const H5::Exception&) {
    if (checksum_failed())
      throw LayoutError("dataset '" + path + "' fails its Fletcher32 checksum: the file is damaged", false);
    throw;
  }
}

std::vector<std::string> Reader::read_strings(const H5::DataSet& set, std::size_t count) {
  if (count == 0) return {};
  const H5::StrType stored = set.getStrType();
  if (!stored.isVariableStr()) {
    // Fixed-length (e.g. written by h5py from numpy bytes): NUL-terminated or padded.
    const std::size_t width = stored.getSize();
    std::vector<char> raw(elements(path_of(set), {count, width}, 1));
    read(set, path_of(set), raw.data(), stored);
    const bool space_padded = stored.getStrpad() == H5T_STR_SPACEPAD;
    std::vector<std::string> values;
    for (std::size_t i = 0; i < count; ++i) {
      std::string s(raw.data() + i * width, width);
      s.resize(std::min(s.find('\0'), s.size()));
      if (space_padded) s.resize(s.find_last_not_of(' ') + 1);
      values.push_back(std::move(s));
    }
    return values;
  }
  H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  type.setCset(stored.getCset());  // HDF5 converts no character sets: read ASCII as ASCII
  std::vector<char*> pointers(count, nullptr);
  read(set, path_of(set), pointers.data(), type);
  std::vector<std::string> values = take_strings(pointers);
  H5::DataSet::vlenReclaim(pointers.data(), type, set.getSpace());
  return values;
}

std::string Reader::scalar_text(const std::string& path) {
  const H5::DataSet set = dataset(path, H5T_STRING);
  shape(set, 0);
  std::string value;
  set.read(value, text_type());
  return value;
}

H5::Attribute Reader::open_attribute(const H5::H5Object& object, const std::string& name) {
  const std::string owner = path_of(object);
  where_ = "attribute '" + name + "' of '" + owner + "'";
  if (!object.attrExists(name)) throw LayoutError("missing attribute '" + name + "' of '" + owner + "'", true);
  return object.openAttribute(name);
}

H5::Attribute Reader::attribute(const H5::H5Object& object, const std::string& name, H5T_class_t type_class) {
  H5::Attribute a = open_attribute(object, name);
  const std::string what = "attribute '" + name + "' of '" + path_of(object) + "'";
  check_class(what, a.getTypeClass(), type_class, true);
  const hssize_t count = a.getSpace().getSimpleExtentNpoints();
  if (count != 1) throw LayoutError(what + " holds " + std::to_string(count) + " values; expected one", false);
  return a;
}

void Reader::check_class(const std::string& what, H5T_class_t found, H5T_class_t expected, bool number) {
  // NOTE: a floating-point attribute may be stored as an integer (number: attributes only).
  if (found == expected || (number && expected == H5T_FLOAT && found == H5T_INTEGER)) return;
  const std::string wanted = number && expected == H5T_FLOAT ? "a number" : type_class_name(expected);
  throw LayoutError(what + " is " + type_class_name(found) + "; expected " + wanted, false);
}

std::string Reader::text(const H5::H5Object& object, const std::string& name) {
  const H5::Attribute a = attribute(object, name, H5T_STRING);
  std::string value;
  a.read(a.getStrType(), value);
  return value;
}

std::vector<std::string> Reader::texts(const H5::H5Object& object, const std::string& name) {
  const H5::Attribute a = open_attribute(object, name);
  check_class("attribute '" + name + "' of '" + path_of(object) + "'", a.getTypeClass(), H5T_STRING, false);
  return texts(a);
}

bool Reader::flag(const H5::H5Object& object, const std::string& name) {
  const H5::Attribute a = open_attribute(object, name);
  const std::string what = "attribute '" + name + "' of '" + path_of(object) + "'";
  if (a.getTypeClass() != H5T_ENUM) check_class(what, a.getTypeClass(), H5T_INTEGER, false);
  const hssize_t count = a.getSpace().getSimpleExtentNpoints();
  if (count != 1) throw LayoutError(what + " holds " + std::to_string(count) + " values; expected one", false);
  return flag(a);
}

std::vector<std::string> Reader::texts(const H5::Attribute& a) {
  const H5::DataSpace space = a.getSpace();
  const auto count = static_cast<std::size_t>(space.getSimpleExtentNpoints());
  if (count == 0) return {};
  const H5::StrType type = text_type();
  std::vector<char*> pointers(count, nullptr);
  a.read(type, pointers.data());
  std::vector<std::string> values = take_strings(pointers);
  H5Dvlen_reclaim(type.getId(), space.getId(), H5P_DEFAULT, pointers.data());
  return values;
}

bool Reader::flag(const H5::Attribute& a) {
  if (a.getTypeClass() == H5T_ENUM && a.getDataType().getSize() == sizeof(std::int8_t)) {
    std::int8_t value = 0;
    a.read(a.getDataType(), &value);
    return value != 0;
  }
  std::int64_t value = 0;
  a.read(H5::PredType::NATIVE_INT64, &value);
  return value != 0;
}

}  // namespace genepool::hdf5
