#pragma once
// UTC timestamps as int64 seconds since the epoch: parsing the forms people's CSVs use, and formatting.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace genepool {

enum class TimestampFormat {
  iso_date,           // 2004-08-19                      (midnight UTC)
  iso_datetime,       // 2017-04-19 09:00:00, 2017-04-19T09:00:00, optional .fff, optional Z or UTC offset
  epoch_seconds,      // 1092873600
  epoch_milliseconds  // 1092873600000 (an integer >= 1e11 is taken as milliseconds; documented)
};

// Detects the format of one field from its shape; nullopt when it is none of the above.
// The shape alone decides: "2004-13-45" is an iso_date that parse_timestamp then rejects.
// iso_datetime is YYYY-MM-DD, a space or 'T', HH:MM, then optional :SS, optional .fff, then optional
// Z or a UTC offset (+HH:MM, +HHMM, +HH, or '-'), which parse_timestamp subtracts to give UTC.
// A field of 1 to 19 ASCII digits is epoch seconds below 1e11, epoch milliseconds from 1e11 up.
std::optional<TimestampFormat> detect_timestamp_format(std::string_view field);

// Parses one field in the given format; nullopt when it does not match (bad digits, month 13, ...).
// Milliseconds that are not whole seconds are rejected (nullopt): bars are kept at second resolution.
// Likewise an ISO fraction of a second must be all zeros ("09:00:00.000").
std::optional<std::int64_t> parse_timestamp(std::string_view field, TimestampFormat format);

// "2004-08-19" when the time of day is midnight, else "2017-04-19 09:00:00" (UTC); outside the
// years -32767 to 32767 (std::chrono's calendar), "epoch second N".
std::string format_timestamp(std::int64_t seconds);

// Formats in one given format, so that every row of a file can share it: iso_datetime is
// "2017-04-19 00:00:00" even at midnight, epoch_milliseconds is seconds × 1000.
// Throws genepool::Error for iso_date when the time of day is not midnight, and for the ISO formats
// outside the years -32767 to 32767.
std::string format_timestamp(std::int64_t seconds, TimestampFormat format);

// The format as people write it, for messages: "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS", ...
std::string_view timestamp_format_name(TimestampFormat format);

}  // namespace genepool
