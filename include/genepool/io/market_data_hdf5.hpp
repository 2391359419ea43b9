#pragma once
// A whole panel in one HDF5 file: one contiguous dataset per field, for large panels.
//
// Layout (docs/data-format.md):
//   /timestamps   int64   [bars]             UTC seconds since the epoch
//   /symbols      strings [symbols]          variable-length UTF-8 (fixed-length is read too)
//   /open /high /low /close /volume  float64 [symbols][bars]
//   root attributes: format = "genepool-market-data", format_version = 1
// A symbol's cells are NaN where it has no bar (before its first, after its last, in a gap).
// HDF5's row-major [symbols][bars] is byte for byte the bars × symbols column-major PriceMatrix.
#include <filesystem>

#include "genepool/data/market_data.hpp"

namespace genepool {

// Reads a panel as stored: NaN cells where a symbol has no bar, nothing validated but the layout.
// Throws IoError when the file cannot be opened or read, and DataError naming the file and the
// dataset for a wrong format tag, a missing dataset, a wrong type or shape.
MarketData read_hdf5_panel(const std::filesystem::path& file);

// read_hdf5_panel, its bars where no symbol has a bar dropped, its missing cells filled and marked
// (fill_missing, max-gap kDefaultMaxGap), validated (DataError).
MarketData read_hdf5_market_data(const std::filesystem::path& file);

// Validates, then writes (NaN in every field where data.live is 0), then writes FILE.tmp and renames it to FILE, so that a crash never leaves a half file.
// Throws IoError naming the file and the dataset when HDF5 fails.
void write_hdf5_market_data(const MarketData& data, const std::filesystem::path& file);

}  // namespace genepool
