// The expression lexer, parser, checks and lowering to a Program (docs/strategy-language.md).
#include "parser.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <string_view>
#include <tuple>
#include <utility>

#include "genepool/error.hpp"
#include "genepool/number_text.hpp"
#include "operations.hpp"

namespace genepool::language {

namespace {

// ---- Names -----------------------------------------------------------------------------------

struct Function {
  std::string_view name;
  Op op;
  std::size_t arity;
  std::string_view arguments;  // for messages
};

constexpr Function kFunctions[] = {
    {"sma", Op::sma, 2, "a series and a length"},         {"ema", Op::ema, 2, "a series and a length"},
    {"wma", Op::wma, 2, "a series and a length"},         {"stdev", Op::stdev, 2, "a series and a length"},
    {"sum", Op::sum, 2, "a series and a length"},         {"highest", Op::highest, 2, "a series and a length"},
    {"lowest", Op::lowest, 2, "a series and a length"},   {"rsi", Op::rsi, 2, "a series and a length"},
    {"roc", Op::roc, 2, "a series and a length"},         {"shift", Op::shift, 2, "a series and a length"},
    {"atr", Op::atr, 1, "a length"},                      {"crossover", Op::crossover, 2, "two series"},
    {"crossunder", Op::crossunder, 2, "two series"},      {"abs", Op::abs, 1, "one value"},
    {"min", Op::min, 2, "two values"},                    {"max", Op::max, 2, "two values"},
    {"log", Op::log, 1, "one value"},                     {"exp", Op::exp, 1, "one value"},
    {"sqrt", Op::sqrt, 1, "one value"},                   {"sign", Op::sign, 1, "one value"},
};

struct Series {
  std::string_view name;
  Op op;
};
constexpr Series kSeries[] = {
    {"open", Op::open}, {"high", Op::high}, {"low", Op::low}, {"close", Op::close}, {"volume", Op::volume}};

constexpr std::string_view kKeywords[] = {"and", "or", "not"};

const Function* function_named(std::string_view name) {
  for (const Function& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::optional<Op> series_named(std::string_view name) {
  for (const Series& s : kSeries) {
    if (s.name == name) return s.op;
  }
  return std::nullopt;
}

std::string_view function_name(Op op) {
  for (const Function& f : kFunctions) {
    if (f.op == op) return f.name;
  }
  return "";
}

// Optimal string alignment distance (an adjacent transposition counts as one edit).
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1, 0));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

// ---- Lexer -----------------------------------------------------------------------------------

enum class Tok : std::uint8_t {
  number, name, lparen, rparen, comma, plus, minus, star, slash, lt, le, gt, ge, eq, ne, kw_and, kw_or, kw_not, end
};

struct Token {
  Tok kind;
  std::string text;
  double value = 0;
  std::uint32_t offset = 0;  // in the expression text
};

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }

// ---- AST -------------------------------------------------------------------------------------

struct Ast {
  enum class Kind : std::uint8_t { number, name, unary, binary, call } kind = Kind::number;
  Op op = Op::number;
  std::string name;  // Kind::name and Kind::call
  double value = 0;
  std::vector<Ast> args;
  std::uint32_t offset = 0;
};

inline constexpr int kMaxDepth = 200;

// The offset of an expression's first token.
std::uint32_t start_of(const Ast& ast) { return ast.kind == Ast::Kind::binary ? start_of(ast.args[0]) : ast.offset; }

// Where a message points: one expression (by index into the strategy's expressions) and an offset.
struct Site {
  std::size_t source;
  std::uint32_t offset;
};

class Reporter {
 public:
  Reporter(const StrategyContext& context, const std::vector<const ExpressionSource*>& sources)
      : context_(context), sources_(sources) {}
  [[noreturn]] void fail(Site site, const std::string& what) const {
    const ExpressionSource& source = *sources_[site.source];
    throw ConfigError(context_.file + ":" + std::to_string(source.line) + ": strategy '" + context_.strategy +
                      "': " + source.key + ", column " + std::to_string(source.column + site.offset) + ": " + what);
  }
  const ExpressionSource& source(std::size_t i) const { return *sources_[i]; }

 private:
  const StrategyContext& context_;
  const std::vector<const ExpressionSource*>& sources_;
};

std::vector<Token> lex(std::size_t index, const std::string& text, const Reporter& reporter) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  const auto at = [&](std::size_t offset) { return Site{index, static_cast<std::uint32_t>(offset)}; };
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    const std::size_t start = i;
    if (is_digit(c) || (c == '.' && i + 1 < text.size() && is_digit(text[i + 1]))) {
      while (i < text.size() && is_digit(text[i])) ++i;
      if (i < text.size() && text[i] == '.') {
        ++i;
        while (i < text.size() && is_digit(text[i])) ++i;
      }
      if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        std::size_t j = i + 1;
        if (j < text.size() && (text[j] == '+' || text[j] == '-')) ++j;
        if (j >= text.size() || !is_digit(text[j])) reporter.fail(at(start), "malformed number '" + printable(text.substr(start, j - start)) + "'");
        i = j;
        while (i < text.size() && is_digit(text[i])) ++i;
      }
      if (i < text.size() && is_name_char(text[i])) {
        reporter.fail(at(start), "malformed number '" + printable(text.substr(start, i + 1 - start)) + "'");
      }
      double value = 0;
      const auto [end, error] = std::from_chars(text.data() + start, text.data() + i, value);
      if (error != std::errc() || end != text.data() + i || !std::isfinite(value)) {
        reporter.fail(at(start), "number '" + text.substr(start, i - start) + "' is out of range");
      }
      tokens.push_back({Tok::number, text.substr(start, i - start), value, static_cast<std::uint32_t>(start)});
      continue;
    }
    if (is_name_start(c)) {
      while (i < text.size() && is_name_char(text[i])) ++i;
      std::string name = text.substr(start, i - start);
      const Tok kind = name == "and" ? Tok::kw_and : name == "or" ? Tok::kw_or : name == "not" ? Tok::kw_not : Tok::name;
      tokens.push_back({kind, std::move(name), 0, static_cast<std::uint32_t>(start)});
      continue;
    }
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    Tok kind = Tok::end;
    std::size_t width = 1;
    switch (c) {
      case '(': kind = Tok::lparen; break;
      case ')': kind = Tok::rparen; break;
      case ',': kind = Tok::comma; break;
      case '+': kind = Tok::plus; break;
      case '-': kind = Tok::minus; break;
      case '*': kind = Tok::star; break;
      case '/': kind = Tok::slash; break;
      case '<': kind = next == '=' ? Tok::le : Tok::lt; width = next == '=' ? 2 : 1; break;
      case '>': kind = next == '=' ? Tok::ge : Tok::gt; width = next == '=' ? 2 : 1; break;
      case '=':
        if (next != '=') reporter.fail(at(start), "unexpected '=' (write '==' to compare)");
        kind = Tok::eq;
        width = 2;
        break;
      case '!':
        if (next != '=') reporter.fail(at(start), "unexpected '!' (write 'not' to negate, '!=' to compare)");
        kind = Tok::ne;
        width = 2;
        break;
      case '&': reporter.fail(at(start), "unexpected '&' (write 'and')");
      case '|': reporter.fail(at(start), "unexpected '|' (write 'or')");
      default: reporter.fail(at(start), "unexpected character '" + printable(std::string_view(&text[i], 1)) + "'");
    }
    tokens.push_back({kind, text.substr(start, width), 0, static_cast<std::uint32_t>(start)});
    i += width;
  }
  tokens.push_back({Tok::end, "", 0, static_cast<std::uint32_t>(text.size())});
  return tokens;
}

// ---- Parser ----------------------------------------------------------------------------------

// Recursive descent, one function per precedence level (docs/strategy-language.md, "Grammar").
class Parser {
 public:
  Parser(std::size_t index, const std::vector<Token>& tokens, const Reporter& reporter)
      : index_(index), tokens_(tokens), reporter_(reporter) {}

  Ast parse() {
    if (peek().kind == Tok::end) fail(peek(), "empty expression");
    Ast ast = parse_or(0);
    if (peek().kind != Tok::end) {
      fail(peek(), "expected an operator or the end of the expression, found " + describe(peek()));
    }
    return ast;
  }

 private:
  const Token& peek() const { return tokens_[pos_]; }
  const Token& take() { return tokens_[pos_++]; }
  [[noreturn]] void fail(const Token& token, const std::string& what) const {
    reporter_.fail({index_, token.offset}, what);
  }
  static std::string describe(const Token& token) {
    return token.kind == Tok::end ? "the end of the expression" : "'" + token.text + "'";
  }
  void deeper(int depth) const {
    if (depth > kMaxDepth) fail(peek(), "expression nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)");
  }
  static Ast binary(Op op, Ast left, Ast right, std::uint32_t offset) {
    Ast ast;
    ast.kind = Ast::Kind::binary;
    ast.op = op;
    ast.offset = offset;
    ast.args.push_back(std::move(left));
    ast.args.push_back(std::move(right));
    return ast;
  }

  Ast parse_or(int depth) {
    deeper(depth);
    Ast left = parse_and(depth + 1);
    while (peek().kind == Tok::kw_or) {
      const Token& op = take();
      left = binary(Op::logical_or, std::move(left), parse_and(depth + 1), op.offset);
    }
    return left;
  }
  Ast parse_and(int depth) {
    Ast left = parse_not(depth + 1);
    while (peek().kind == Tok::kw_and) {
      const Token& op = take();
      left = binary(Op::logical_and, std::move(left), parse_not(depth + 1), op.offset);
    }
    return left;
  }
  Ast parse_not(int depth) {
    deeper(depth);
    if (peek().kind == Tok::kw_not) {
      const Token& op = take();
      Ast ast;
      ast.kind = Ast::Kind::unary;
      ast.op = Op::logical_not;
      ast.offset = op.offset;
      ast.args.push_back(parse_not(depth + 1));
      return ast;
    }
    return parse_comparison(depth + 1);
  }
  static std::optional<Op> comparison(Tok kind) {
    switch (kind) {
      case Tok::lt: return Op::lt;
      case Tok::le: return Op::le;
      case Tok::gt: return Op::gt;
      case Tok::ge: return Op::ge;
      case Tok::eq: return Op::eq;
      case Tok::ne: return Op::ne;
      default: return std::nullopt;
    }
  }
  Ast parse_comparison(int depth) {
    Ast left = parse_sum(depth + 1);
    if (const std::optional<Op> op = comparison(peek().kind)) {
      const Token& token = take();
      left = binary(*op, std::move(left), parse_sum(depth + 1), token.offset);
      if (comparison(peek().kind)) {
        fail(peek(), "comparisons do not chain: write 'a < b and b < c'");
      }
    }
    return left;
  }
  Ast parse_sum(int depth) {
    Ast left = parse_product(depth + 1);
    while (peek().kind == Tok::plus || peek().kind == Tok::minus) {
      const Token& op = take();
      left = binary(op.kind == Tok::plus ? Op::add : Op::sub, std::move(left), parse_product(depth + 1), op.offset);
    }
    return left;
  }
  Ast parse_product(int depth) {
    Ast left = parse_unary(depth + 1);
    while (peek().kind == Tok::star || peek().kind == Tok::slash) {
      const Token& op = take();
      left = binary(op.kind == Tok::star ? Op::mul : Op::div, std::move(left), parse_unary(depth + 1), op.offset);
    }
    return left;
  }
  Ast parse_unary(int depth) {
    deeper(depth);
    if (peek().kind == Tok::minus) {
      const Token& op = take();
      Ast ast;
      ast.kind = Ast::Kind::unary;
      ast.op = Op::neg;
      ast.offset = op.offset;
      ast.args.push_back(parse_unary(depth + 1));
      return ast;
    }
    return parse_atom(depth + 1);
  }
  Ast parse_atom(int depth) {
    const Token& token = take();
    Ast ast;
    ast.offset = token.offset;
    switch (token.kind) {
      case Tok::number:
        ast.kind = Ast::Kind::number;
        ast.value = token.value;
        return ast;
      case Tok::lparen: {
        Ast inner = parse_or(depth + 1);
        if (peek().kind != Tok::rparen) fail(peek(), "expected ')', found " + describe(peek()));
        take();
        return inner;
      }
      case Tok::name:
        ast.name = token.text;
        if (peek().kind != Tok::lparen) {
          ast.kind = Ast::Kind::name;
          return ast;
        }
        take();
        ast.kind = Ast::Kind::call;
        if (peek().kind != Tok::rparen) {
          ast.args.push_back(parse_or(depth + 1));
          while (peek().kind == Tok::comma) {
            take();
            ast.args.push_back(parse_or(depth + 1));
          }
        }
        if (peek().kind != Tok::rparen) {
          fail(peek(), "expected ',' or ')' in the arguments of '" + token.text + "', found " + describe(peek()));
        }
        take();
        return ast;
      default:
        --pos_;
        fail(token, "expected a number, a name, a function call or '(', found " + describe(token));
    }
  }

  std::size_t index_;
  const std::vector<Token>& tokens_;
  const Reporter& reporter_;
  std::size_t pos_ = 0;
};

// ---- Lowering --------------------------------------------------------------------------------

// The integers a length can take over the parameters' bounds.
struct Interval {
  double lower;
  double upper;
};

class Lowerer {
 public:
  Lowerer(const std::vector<ParamSpec>& params, const std::vector<ExpressionSource>& defines, const Reporter& reporter,
          std::size_t define_base)
      : params_(params), defines_(defines), reporter_(reporter), define_base_(define_base),
        define_ast_(defines.size()), define_node_(defines.size(), kNoNode), define_state_(defines.size(), 0) {}

  void set_define_ast(std::size_t i, Ast ast) { define_ast_[i] = std::move(ast); }

  std::uint32_t lower_define(std::size_t i, Site site) {
    if (define_state_[i] == 2) return define_node_[i];
    if (define_state_[i] == 1) {
      std::string cycle;
      const auto first = std::find(stack_.begin(), stack_.end(), i);
      for (auto it = first; it != stack_.end(); ++it) cycle += define_name(*it) + " -> ";
      reporter_.fail(site, "defines form a cycle: " + cycle + define_name(i));
    }
    define_state_[i] = 1;
    stack_.push_back(i);
    const std::uint32_t node = lower(define_ast_[i], define_base_ + i);
    stack_.pop_back();
    define_state_[i] = 2;
    define_node_[i] = node;
    return node;
  }

  std::uint32_t lower(const Ast& ast, std::size_t source) {
    const Site site{source, ast.offset};
    switch (ast.kind) {
      case Ast::Kind::number: {
        Node node;
        node.op = Op::number;
        node.value = ast.value;
        return add(node, site);
      }
      case Ast::Kind::name: return lower_name(ast, site);
      case Ast::Kind::unary:
      case Ast::Kind::binary: {
        Node node;
        node.op = ast.op;
        node.a = lower(ast.args[0], source);
        if (ast.args.size() > 1) node.b = lower(ast.args[1], source);
        return add(node, site);
      }
      case Ast::Kind::call: return lower_call(ast, source);
    }
    return kNoNode;
  }

  Program take_program() {
    program_.max_length.resize(program_.nodes.size(), 0);
    return std::move(program_);
  }
  const std::vector<Site>& sites() const { return sites_; }

 private:
  std::string define_name(std::size_t i) const { return defines_[i].key.substr(std::string_view("define.").size()); }

  std::uint32_t lower_name(const Ast& ast, Site site) {
    for (std::size_t i = 0; i < params_.size(); ++i) {
      if (params_[i].name == ast.name) {
        Node node;
        node.op = Op::param;
        node.param = static_cast<std::uint32_t>(i);
        return add(node, site);
      }
    }
    if (const std::optional<Op> op = series_named(ast.name)) {
      Node node;
      node.op = *op;
      return add(node, site);
    }
    for (std::size_t i = 0; i < defines_.size(); ++i) {
      if (define_name(i) == ast.name) return lower_define(i, site);
    }
    if (const Function* f = function_named(ast.name)) {
      reporter_.fail(site, "'" + ast.name + "' is a function: call it with " + std::string(f->arguments) + ", as " +
                               ast.name + "(...)");
    }
    std::vector<std::string> candidates;
    for (const ParamSpec& p : params_) candidates.push_back(p.name);
    for (const Series& s : kSeries) candidates.emplace_back(s.name);
    for (std::size_t i = 0; i < defines_.size(); ++i) candidates.push_back(define_name(i));
    for (const Function& f : kFunctions) candidates.emplace_back(f.name);
    const std::string near = nearest_name(ast.name, candidates);
    reporter_.fail(site, "unknown name '" + ast.name + "'" + (near.empty() ? std::string(" (not a parameter, series or define)") : " (did you mean '" + near + "'?)"));
  }

  std::uint32_t lower_call(const Ast& ast, std::size_t source) {
    const Site site{source, ast.offset};
    const Function* f = function_named(ast.name);
    if (f == nullptr) {
      std::vector<std::string> candidates;
      for (const Function& g : kFunctions) candidates.emplace_back(g.name);
      const std::string near = nearest_name(ast.name, candidates);
      reporter_.fail(site, "unknown function '" + ast.name + "'" + (near.empty() ? std::string() : " (did you mean '" + near + "'?)"));
    }
    if (ast.args.size() != f->arity) {
      reporter_.fail(site, "'" + ast.name + "' takes " + std::to_string(f->arity) + " argument" +
                               (f->arity == 1 ? "" : "s") + " (" + std::string(f->arguments) + "), got " +
                               std::to_string(ast.args.size()));
    }
    Node node;
    node.op = f->op;
    if (operations::has_length(f->op)) {
      const bool series_argument = f->op != Op::atr;
      if (series_argument) node.a = lower(ast.args[0], source);
      const Ast& length = ast.args[series_argument ? 1 : 0];
      node.length = lower(length, source);
      const Site at{source, start_of(length)};
      const Interval range = length_range(node.length, at, ast.name);
      const double least = f->op == Op::shift ? 0.0 : 1.0;
      if (range.lower < least) {
        reporter_.fail(at,
                       "the length of '" + ast.name + "' can be " + plain_shortest(range.lower) + " (it ranges over [" +
                           plain_shortest(range.lower) + ", " + plain_shortest(range.upper) +
                           "] over the parameters' bounds); it must be at least " + plain_shortest(least));
      }
      if (range.upper > kMaxLength) {
        reporter_.fail(at, "the length of '" + ast.name + "' can be " +
                                                    plain_shortest(range.upper) + "; it must be at most " +
                                                    plain_shortest(kMaxLength));
      }
      const std::uint32_t index = add(node, site);
      program_.max_length.resize(program_.nodes.size(), 0);
      program_.max_length[index] = static_cast<std::uint32_t>(range.upper);
      return index;
    }
    node.a = lower(ast.args[0], source);
    if (ast.args.size() > 1) node.b = lower(ast.args[1], source);
    return add(node, site);
  }

  // The range of a length node; refuses anything but int parameters, whole numbers, + - * min max.
  Interval length_range(std::uint32_t index, Site site, const std::string& function) {
    const Node& node = program_.nodes[index];
    const std::string what = "the length of '" + function + "' must be built of int parameters and whole numbers with + - * min max";
    switch (node.op) {
      case Op::number:
        if (node.value != std::floor(node.value)) reporter_.fail(site, what + " (found the number " + plain_shortest(node.value) + ")");
        return {node.value, node.value};
      case Op::param: {
        const ParamSpec& p = params_[node.param];
        if (p.kind != ParamKind::integer) reporter_.fail(site, what + " (found the real parameter '" + p.name + "')");
        return {p.lower, p.upper};
      }
      case Op::neg: {
        const Interval a = length_range(node.a, site, function);
        return {-a.upper, -a.lower};
      }
      case Op::add:
      case Op::sub:
      case Op::mul:
      case Op::min:
      case Op::max: {
        const Interval a = length_range(node.a, site, function);
        const Interval b = length_range(node.b, site, function);
        switch (node.op) {
          case Op::add: return {a.lower + b.lower, a.upper + b.upper};
          case Op::sub: return {a.lower - b.upper, a.upper - b.lower};
          case Op::min: return {std::min(a.lower, b.lower), std::min(a.upper, b.upper)};
          case Op::max: return {std::max(a.lower, b.lower), std::max(a.upper, b.upper)};
          default: {
            const double p[] = {a.lower * b.lower, a.lower * b.upper, a.upper * b.lower, a.upper * b.upper};
            return {*std::min_element(std::begin(p), std::end(p)), *std::max_element(std::begin(p), std::end(p))};
          }
        }
      }
      case Op::open: case Op::high: case Op::low: case Op::close: case Op::volume:
        reporter_.fail(site, what + " (found a price series: a length is one value per genome)");
      default: {
        const std::string_view name = function_name(node.op);
        reporter_.fail(site, what + (name.empty() ? std::string(" (found another operator)") : " (found '" + std::string(name) + "')"));
      }
    }
  }

  // The node's index, merged with an identical node already in the program.
  std::uint32_t add(Node node, Site site) {
    const auto key = std::make_tuple(node.op, node.a, node.b, node.length, std::bit_cast<std::uint64_t>(node.value), node.param);
    if (const auto found = index_.find(key); found != index_.end()) return found->second;
    const auto is_scalar = [&](std::uint32_t i) { return i == kNoNode || program_.nodes[i].scalar; };
    node.scalar = node.op == Op::number || node.op == Op::param ||
                  (operations::is_pointwise(node.op) && is_scalar(node.a) && is_scalar(node.b));
    const ExpressionSource& source = reporter_.source(site.source);
    node.line = source.line;
    node.column = source.column + site.offset;
    const auto index = static_cast<std::uint32_t>(program_.nodes.size());
    program_.nodes.push_back(node);
    sites_.push_back(site);
    index_.emplace(key, index);
    return index;
  }

  const std::vector<ParamSpec>& params_;
  const std::vector<ExpressionSource>& defines_;
  const Reporter& reporter_;
  std::size_t define_base_;
  std::vector<Ast> define_ast_;
  std::vector<std::uint32_t> define_node_;
  std::vector<int> define_state_;  // 0 not yet lowered, 1 being lowered, 2 lowered
  std::vector<std::size_t> stack_;
  Program program_;
  std::vector<Site> sites_;
  std::map<std::tuple<Op, std::uint32_t, std::uint32_t, std::uint32_t, std::uint64_t, std::uint32_t>, std::uint32_t> index_;
};

// The program with only the nodes the rules reach, in the same order.
Program prune(const Program& full) {
  std::vector<bool> used(full.nodes.size(), false);
  const auto mark = [&](std::uint32_t root) {
    if (root != kNoNode) used[root] = true;
  };
  for (const std::uint32_t root : {full.position, full.long_entry, full.long_exit, full.short_entry, full.short_exit}) {
    mark(root);
  }
  for (std::size_t i = full.nodes.size(); i-- > 0;) {  // users come after their arguments
    if (!used[i]) continue;
    mark(full.nodes[i].a);
    mark(full.nodes[i].b);
    mark(full.nodes[i].length);
  }
  std::vector<std::uint32_t> renumber(full.nodes.size(), kNoNode);
  Program program;
  program.kind = full.kind;
  for (std::size_t i = 0; i < full.nodes.size(); ++i) {
    if (!used[i]) continue;
    renumber[i] = static_cast<std::uint32_t>(program.nodes.size());
    Node node = full.nodes[i];
    const auto map = [&](std::uint32_t& j) {
      if (j != kNoNode) j = renumber[j];
    };
    map(node.a);
    map(node.b);
    map(node.length);
    program.nodes.push_back(node);
    program.max_length.push_back(full.max_length[i]);
  }
  const auto root = [&](std::uint32_t j) { return j == kNoNode ? kNoNode : renumber[j]; };
  program.position = root(full.position);
  program.long_entry = root(full.long_entry);
  program.long_exit = root(full.long_exit);
  program.short_entry = root(full.short_entry);
  program.short_exit = root(full.short_exit);
  return program;
}

}  // namespace

bool is_reserved_name(const std::string& name) {
  return function_named(name) != nullptr || series_named(name).has_value() ||
         std::find(std::begin(kKeywords), std::end(kKeywords), name) != std::end(kKeywords);
}

std::string nearest_name(const std::string& name, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = 3;  // at most two edits, and fewer than the name's length
  for (const std::string& candidate : candidates) {
    const std::size_t d = edit_distance(name, candidate);
    if (d < best_distance && d < name.size()) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

Program lower_rules(const std::vector<ParamSpec>& params, const std::vector<ExpressionSource>& defines,
                    const std::vector<ExpressionSource>& rules, const StrategyContext& context) {
  std::vector<const ExpressionSource*> sources;
  for (const ExpressionSource& rule : rules) sources.push_back(&rule);
  for (const ExpressionSource& define : defines) sources.push_back(&define);
  const Reporter reporter(context, sources);
  std::vector<Ast> rule_ast;
  Lowerer lowerer(params, defines, reporter, rules.size());
  // Every expression is parsed first, so a syntax error is reported before a name in another one.
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const std::vector<Token> tokens = lex(i, sources[i]->text, reporter);
    Ast ast = Parser(i, tokens, reporter).parse();
    if (i < rules.size()) {
      rule_ast.push_back(std::move(ast));
    } else {
      lowerer.set_define_ast(i - rules.size(), std::move(ast));
    }
  }
  Program program;
  std::vector<std::uint32_t> roots;
  for (std::size_t i = 0; i < rules.size(); ++i) roots.push_back(lowerer.lower(rule_ast[i], i));
  for (std::size_t i = 0; i < defines.size(); ++i) lowerer.lower_define(i, {rules.size() + i, 0});
  program = lowerer.take_program();
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const std::string& key = rules[i].key;
    std::uint32_t& root = key == "position"      ? program.position
                          : key == "long_entry"  ? program.long_entry
                          : key == "long_exit"   ? program.long_exit
                          : key == "short_entry" ? program.short_entry
                                                 : program.short_exit;
    root = roots[i];
  }
  program.kind = program.position != kNoNode ? RuleKind::position : RuleKind::entries_exits;
  return prune(program);
}

}  // namespace genepool::language
