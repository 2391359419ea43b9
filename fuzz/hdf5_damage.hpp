#pragma once
// Structure-aware damage for the results and checkpoint fuzz targets. The fuzz input is a list of
// edits to a valid file that genepool wrote (the template): remove a dataset, group or attribute,
// write one again with another type, shape or values, or cut the file short. So the readers meet
// every kind of wrong schema and wrong value, instead of random bytes that HDF5 rejects at once
// (HDF5's own parser of damaged bytes is not genepool's code; cut files reach it all the same).
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

namespace genepool::fuzz {

// Reads the fuzz input front to back; zeros once it is used up.
class InputBytes {
 public:
  InputBytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool empty() const { return used_ >= size_; }
  std::uint8_t byte() { return empty() ? 0 : data_[used_++]; }
  std::uint64_t word() {
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i) value = value << 8 | byte();
    return value;
  }
  // A value that readers find hard: small integers, limits, NaN, infinities, or raw bits.
  double number() {
    switch (byte() % 8) {
      case 0: return static_cast<double>(static_cast<std::int8_t>(byte()));
      case 1: return -1;
      case 2: return 1e300;
      case 3: return std::numeric_limits<double>::quiet_NaN();
      case 4: return std::numeric_limits<double>::infinity();
      case 5: return 4294967296.0;
      case 6: return static_cast<double>(word());
      default: {
        const std::uint64_t bits = word();
        double value;
        std::memcpy(&value, &bits, sizeof value);
        return value;
      }
    }
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t used_ = 0;
};

namespace detail {

struct Names {
  std::vector<std::string> objects;                                // every link below the root
  std::vector<std::pair<std::string, std::string>> attributes;    // (object, attribute), "/" included
};

inline herr_t add_attribute(hid_t, const char* name, const H5A_info_t*, void* data) {
  auto* pair = static_cast<std::pair<Names*, std::string>*>(data);
  pair->first->attributes.emplace_back(pair->second, name);
  return 0;
}

inline void add_attributes(hid_t file, const std::string& object, Names& names) {
  std::pair<Names*, std::string> pair{&names, object};
  H5Aiterate_by_name(file, object.c_str(), H5_INDEX_NAME, H5_ITER_NATIVE, nullptr, add_attribute, &pair, H5P_DEFAULT);
}

inline herr_t add_link(hid_t file, const char* name, const H5L_info_t*, void* data) {
  auto* names = static_cast<Names*>(data);
  names->objects.push_back(std::string("/") + name);
  add_attributes(file, names->objects.back(), *names);
  return 0;
}

inline Names names_of(hid_t file) {
  Names names;
  add_attributes(file, "/", names);
  H5Lvisit(file, H5_INDEX_NAME, H5_ITER_NATIVE, add_link, &names);
  return names;
}

// A type a reader may not expect.
inline hid_t some_type(std::uint8_t choice) {
  switch (choice % 6) {
    case 0: return H5Tcopy(H5T_NATIVE_DOUBLE);
    case 1: return H5Tcopy(H5T_NATIVE_INT64);
    case 2: return H5Tcopy(H5T_NATIVE_INT8);
    case 3: return H5Tcopy(H5T_NATIVE_UINT32);
    case 4: {
      const hid_t text = H5Tcopy(H5T_C_S1);
      H5Tset_size(text, H5T_VARIABLE);
      return text;
    }
    default: {
      const hid_t text = H5Tcopy(H5T_C_S1);
      H5Tset_size(text, 3);
      return text;
    }
  }
}

// A dataspace of 0-2 dimensions, each 0-7 long (a scalar when 0 dimensions).
inline hid_t some_space(InputBytes& input, std::size_t& elements) {
  const int rank = input.byte() % 3;
  hsize_t dims[2] = {static_cast<hsize_t>(input.byte() % 8), static_cast<hsize_t>(input.byte() % 8)};
  elements = rank == 0 ? 1 : rank == 1 ? dims[0] : dims[0] * dims[1];
  return rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, dims, nullptr);
}

// Bytes for `elements` values of `type`: numbers from the input, or short strings.
struct Values {
  std::vector<double> doubles;
  std::vector<std::int64_t> integers;
  std::vector<std::string> texts;
  std::vector<const char*> pointers;
  std::vector<char> fixed;
  const void* buffer(hid_t type, hid_t& memory_type) {
    if (H5Tget_class(type) == H5T_STRING) {
      if (H5Tis_variable_str(type) > 0) {
        pointers.clear();
        for (const std::string& text : texts) pointers.push_back(text.c_str());
        memory_type = H5Tcopy(type);
        return pointers.data();
      }
      fixed.assign(texts.size() * 3, 'x');
      for (std::size_t i = 0; i < texts.size(); ++i)
        std::memcpy(fixed.data() + 3 * i, texts[i].data(), std::min<std::size_t>(3, texts[i].size()));
      memory_type = H5Tcopy(type);
      return fixed.data();
    }
    if (H5Tget_class(type) == H5T_FLOAT) {
      memory_type = H5Tcopy(H5T_NATIVE_DOUBLE);
      return doubles.data();
    }
    memory_type = H5Tcopy(H5T_NATIVE_INT64);  // HDF5 converts (and clips) to the file's integer type
    return integers.data();
  }
};

inline Values some_values(InputBytes& input, std::size_t elements) {
  Values values;
  for (std::size_t i = 0; i < std::max<std::size_t>(elements, 1); ++i) {
    const double number = input.number();
    values.doubles.push_back(number);
    values.integers.push_back(std::isfinite(number) && std::abs(number) < 9e18 ? static_cast<std::int64_t>(number)
                                                                                  : static_cast<std::int64_t>(input.word()));
    values.texts.push_back(std::string(input.byte() % 5, static_cast<char>(input.byte())));
  }
  return values;
}

inline void rewrite_dataset(hid_t file, const std::string& path, InputBytes& input) {
  H5Ldelete(file, path.c_str(), H5P_DEFAULT);
  std::size_t elements = 0;
  const hid_t type = some_type(input.byte());
  const hid_t space = some_space(input, elements);
  const hid_t dataset = H5Dcreate2(file, path.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (dataset >= 0) {
    Values values = some_values(input, elements);
    hid_t memory_type = -1;
    const void* buffer = values.buffer(type, memory_type);
    if (elements > 0) H5Dwrite(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
    H5Tclose(memory_type);
    H5Dclose(dataset);
  }
  H5Sclose(space);
  H5Tclose(type);
}

// Overwrites some elements of an existing dataset with hard values, keeping its type and shape.
inline void overwrite_values(hid_t file, const std::string& path, InputBytes& input) {
  const hid_t dataset = H5Dopen2(file, path.c_str(), H5P_DEFAULT);
  if (dataset < 0) return;
  const hid_t type = H5Dget_type(dataset);
  const hid_t space = H5Dget_space(dataset);
  const hssize_t count = H5Sget_simple_extent_npoints(space);
  const H5T_class_t type_class = H5Tget_class(type);
  if (count > 0 && (type_class == H5T_FLOAT || type_class == H5T_INTEGER)) {
    std::vector<double> doubles(static_cast<std::size_t>(count));
    std::vector<std::int64_t> integers(static_cast<std::size_t>(count));
    const bool is_float = type_class == H5T_FLOAT;
    if (is_float) H5Dread(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, doubles.data());
    else H5Dread(dataset, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, integers.data());
    for (int edits = 1 + input.byte() % 4; edits > 0; --edits) {
      const std::size_t at = input.word() % static_cast<std::uint64_t>(count);
      const double number = input.number();
      doubles[at] = number;
      integers[at] = std::isfinite(number) && std::abs(number) < 9e18 ? static_cast<std::int64_t>(number) : -1;
    }
    // Values outside the file type's range are an HDF5 conversion error: that edit is then lost.
    if (is_float) H5Dwrite(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, doubles.data());
    else H5Dwrite(dataset, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, integers.data());
  }
  H5Sclose(space);
  H5Tclose(type);
  H5Dclose(dataset);
}

inline void rewrite_attribute(hid_t file, const std::string& object, const std::string& name, InputBytes& input) {
  H5Adelete_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT);
  std::size_t elements = 0;
  const hid_t type = some_type(input.byte());
  const hid_t space = some_space(input, elements);
  const hid_t attribute =
      H5Acreate_by_name(file, object.c_str(), name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (attribute >= 0) {
    Values values = some_values(input, elements);
    hid_t memory_type = -1;
    const void* buffer = values.buffer(type, memory_type);
    if (elements > 0) H5Awrite(attribute, memory_type, buffer);
    H5Tclose(memory_type);
    H5Aclose(attribute);
  }
  H5Sclose(space);
  H5Tclose(type);
}

}  // namespace detail

// Copies `template_path` to `path` and applies the edits the input describes.
inline void damage(const std::filesystem::path& template_path, const std::filesystem::path& path,
                   const std::uint8_t* data, std::size_t size) {
  std::filesystem::copy_file(template_path, path, std::filesystem::copy_options::overwrite_existing);
  InputBytes input(data, size);
  std::uint64_t cut = 0;  // bytes to cut off the end, after the edits
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  if (file < 0) std::abort();  // the template must open
  detail::Names names = detail::names_of(file);
  for (int edits = 0; !input.empty() && edits < 8; ++edits) {
    const std::uint8_t kind = input.byte() % 6;
    const std::uint64_t which = input.word();
    if (kind <= 3 && names.objects.empty()) continue;
    if (kind == 4 && names.attributes.empty()) continue;
    const std::string& object = names.objects.empty() ? std::string() : names.objects[which % names.objects.size()];
    switch (kind) {
      case 0: H5Ldelete(file, object.c_str(), H5P_DEFAULT); break;
      case 1:
      case 2: detail::overwrite_values(file, object, input); break;
      case 3: detail::rewrite_dataset(file, object, input); break;
      case 4: {
        const auto& [owner, name] = names.attributes[which % names.attributes.size()];
        if (input.byte() % 4 == 0) H5Adelete_by_name(file, owner.c_str(), name.c_str(), H5P_DEFAULT);
        else detail::rewrite_attribute(file, owner, name, input);
        break;
      }
      default: cut = which; break;
    }
    names = detail::names_of(file);  // an edit may have removed a group with everything below it
  }
  H5Fclose(file);
  if (cut != 0) {
    const auto bytes = std::filesystem::file_size(path);
    if (::truncate(path.c_str(), static_cast<off_t>(cut % bytes)) != 0) std::abort();
  }
}

// A reader must close everything it opened, also when it throws: a handle left open keeps the file
// (and its memory) open for the rest of the process.
inline void check_all_closed() {
  const ssize_t open = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_FILE | H5F_OBJ_DATASET | H5F_OBJ_GROUP | H5F_OBJ_ATTR);
  if (open != 0) {
    std::fprintf(stderr, "%zd HDF5 objects left open after the read\n", open);
    std::abort();
  }
}

}  // namespace genepool::fuzz
