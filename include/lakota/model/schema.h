// Schema: the typed columns of a collection, some of them the index, each with its codec
// chain; and the encoding of one column array with that chain (FORMAT.md §4.5, §4.6).
// Value type; safe to share between threads.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lakota/encoding/codecs.h"
#include "lakota/encoding/msgpack.h"
#include "lakota/model/column.h"

namespace lakota {

struct ColumnDef {
  std::string name;
  DType dtype;
  std::vector<std::string> codecs;  // applied in order when encoding
  bool idx = false;

  // Parses a definition such as "timestamp*", "float", "str*", "float32|zstd",
  // "int*|blosc zstd". Throws InvalidInput naming the column.
  static ColumnDef parse(const std::string& name, const std::string& definition);
  static std::vector<std::string> default_codecs(const DType& dt);
  bool operator==(const ColumnDef&) const = default;
};

class Schema {
 public:
  Schema() = default;
  // Throws InvalidInput for no index column, duplicate names, bad codecs.
  explicit Schema(std::vector<ColumnDef> columns, std::optional<std::string> kind = std::nullopt);
  // From ("name", "definition") pairs, as `lakota create` and Schema(...) in Python take them.
  static Schema parse(const std::vector<std::pair<std::string, std::string>>& definitions);
  // A key-value schema: writes upsert by key instead of replacing a range.
  static Schema kv(const std::vector<std::pair<std::string, std::string>>& definitions);
  // The registry's form: {"kind": null, "columns": {name: {"dt", "codecs", "idx"}}}.
  static Schema from_json(const Json& j);
  Json to_json() const;

  const std::vector<ColumnDef>& columns() const { return columns_; }
  const std::vector<size_t>& index() const { return index_; }  // positions of index columns
  const std::optional<std::string>& kind() const { return kind_; }
  size_t size() const { return columns_.size(); }
  const ColumnDef& operator[](size_t i) const { return columns_[i]; }
  // Position of a column; throws InvalidInput naming it when absent.
  size_t position(std::string_view name) const;
  std::optional<size_t> find(std::string_view name) const;
  std::vector<std::string> names() const;
  std::vector<std::string> index_names() const;
  bool operator==(const Schema& o) const { return columns_ == o.columns_ && kind_ == o.kind_; }

 private:
  std::vector<ColumnDef> columns_;
  std::vector<size_t> index_;
  std::optional<std::string> kind_;
};

// How a numeric (blosc, bit-shuffled) array is compressed. Neither the digest nor any
// reader depends on it: the blosc header names its compressor and block size, and every
// level reads back the same.
struct BloscCodec {
  std::string compressor = "zstd";  // blosc's: zstd, lz4, lz4hc, blosclz, zlib
  int clevel = 1;                   // 0 to 9
  size_t blocksize = size_t(1) << 20;  // bytes; 0 lets blosc choose (as the reference)
  bool operator==(const BloscCodec&) const = default;
};

struct EncodeOptions {
  // The default for large arrays. zstd level 1 on 1 MiB blocks is as small as the
  // reference's level 5 on 256 KiB blocks, and four times faster to compress; a range read
  // decodes whole blocks, 131,072 values each (README, "Performance").
  BloscCodec blosc;
  // Index columns: smaller blocks, because a range read decodes the blocks its search
  // visits; timestamps compress so well that the size hardly changes.
  BloscCodec index{"zstd", 1, size_t(256) << 10};
  // Per-column settings, by column name, over `blosc` and `index`.
  std::map<std::string, BloscCodec> columns;
  // Arrays smaller than this are compressed as the reference does (zstd level 5, blosc's
  // block size), so that the commits that embed them are the reference's byte for byte.
  // (Larger ones that compress below the embedding limit are compressed again that way.)
  size_t reference_below = 1024;
  // The same for arrays of integers, times and booleans below this: they often compress
  // below the embedding limit (a thousand regular timestamps: 300 bytes), so a fast pass
  // would mostly be followed by the reference's; one pass instead (an append of a thousand
  // rows: 37 us instead of 58 us for its timestamps).
  size_t reference_below_integers = size_t(64) << 10;
  // The codec of an array of `nbytes` raw bytes of column `def`.
  BloscCodec codec_for(const ColumnDef& def, size_t nbytes) const;
};

struct EncodedColumn {
  std::string bytes;
  // Arrays encoded by pieces (encode_column_pieces): the size of what went to the sink;
  // `bytes` and `buffer` are then empty.
  uint64_t streamed = 0;
  uint64_t size() const { return streamed ? streamed : data().size(); }
  // Large numeric arrays: compressed straight into memory that nothing zero-filled (only
  // the pages written are ever touched); `bytes` is then empty.
  std::shared_ptr<const Buffer> buffer;
  std::string digest;  // sha1 of the raw values (fixed-width) or of the bytes (str, object)
  std::string_view data() const {
    return buffer ? std::string_view(reinterpret_cast<const char*>(buffer->bytes.get()), buffer->size) : bytes;
  }
};

EncodedColumn encode_column(const ColumnDef& def, const Column& column, const EncodeOptions& options = {},
                            bool with_digest = true);
// The same for a large numeric array, handed to `sink(offset, bytes)` piece by piece as it
// is compressed (to be written meanwhile; see blosc_encode_pieces), its digest hashed
// beside. Nullopt when the array is not for pieces (too small, another codec). `streamed`
// 0 (the digest set) when what the pieces make cannot be the array's frame or would be
// embedded in its commit: the caller then drops what the sink got and calls
// encode_column (without the digest), which makes those bytes.
std::optional<EncodedColumn> encode_column_pieces(const ColumnDef& def, const Column& column,
                                                  const EncodeOptions& options,
                                                  const std::function<void(uint64_t, std::string_view)>& sink);
// What a decode checks beyond the encoding itself.
struct DecodeCheck {
  std::optional<size_t> count;  // the number of values the array holds (a commit row's length)
  std::string_view digest;      // the array's digest (FORMAT.md 4.6); empty: not checked
};
// Where a decode may put its values: `size` bytes at `at`, memory that `owner` keeps (a
// read that assembles pieces decodes each into its place, and joins them without a copy).
// Used when the array is blosc over a fixed-width type of exactly that size.
struct DecodeTarget {
  std::byte* at = nullptr;
  size_t size = 0;
  std::shared_ptr<const void> owner;
};
// Decodes a whole array. Throws CorruptData naming `what` (a file or a commit field) for
// bytes that do not decode, or that fail `check`.
Column decode_column(const ColumnDef& def, std::string_view bytes, std::string_view what, const DecodeCheck& check = {},
                     const DecodeTarget* target = nullptr);
// The digest of a stored array: sha1 of the decoded values (fixed-width types) or of the
// encoded bytes (str, object).
std::string stored_digest(const ColumnDef& def, const Column& decoded, std::string_view bytes);
// True when `decode_column_range` can decode a part without the rest (a lone blosc codec).
bool partial_decode(const ColumnDef& def);
// Elements [start, start + count) of an encoded array of `total` elements.
Column decode_column_range(const ColumnDef& def, std::string_view bytes, size_t start, size_t count,
                           std::string_view what);
// Number of elements in an encoded array, without decoding it (lone blosc only).
size_t encoded_length(const ColumnDef& def, std::string_view bytes, std::string_view what);

}  // namespace lakota
