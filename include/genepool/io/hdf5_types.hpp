#pragma once
// The HDF5 types genepool's files use, shared by the results writer and reader and the checkpoint:
// numbers little-endian and fixed-width in the file, native in memory; text variable-length UTF-8
// (h5py reads attributes as str and datasets as bytes, str via .asstr()).
#include <H5Cpp.h>

#include <cstdint>

namespace genepool::hdf5 {

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

inline H5::StrType text_type() {
  H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  type.setCset(H5T_CSET_UTF8);
  return type;
}

}  // namespace genepool::hdf5
