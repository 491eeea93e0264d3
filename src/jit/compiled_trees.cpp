#include "kolosal/jit/compiled_trees.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <array>
#include <string>
#include <vector>

#include "kolosal/core/error.hpp"

#if defined(__x86_64__)
#include <asmjit/x86.h>
#endif

namespace kolosal::jit {

#if defined(__x86_64__)
namespace {

using models::tree::TreeEnsemble;
using models::tree::TreeNode;
namespace x86 = asmjit::x86;

// One runtime for the process: it owns the executable memory and is thread-safe.
asmjit::JitRuntime& Runtime() {
  static asmjit::JitRuntime runtime;
  return runtime;
}

class FirstError : public asmjit::ErrorHandler {
 public:
  void handleError(asmjit::Error error, const char*, asmjit::BaseEmitter*) override {
    if (error_ == asmjit::kErrorOk) error_ = error;
  }
  asmjit::Error error() const { return error_; }

 private:
  asmjit::Error error_ = asmjit::kErrorOk;
};

// Emits the row function: rdi = row (float*), rsi = out (float*); xmm0, xmm1, eax and r8 are
// scratch (all caller-saved in the System V ABI, so no frame is needed).
class TreeEmitter {
 public:
  TreeEmitter(const TreeEnsemble& ensemble, x86::Assembler& assembler)
      : ensemble_(ensemble),
        a_(assembler),
        thresholds_(a_.newLabel()),
        leaves_(a_.newLabel()),
        words_(a_.newLabel()),
        constants_(a_.newLabel()) {}

  void EmitFunction() {
    for (int64_t tree_idx = 0; tree_idx < ensemble_.n_trees(); ++tree_idx) EmitTree(tree_idx);
    a_.ret();
    EmitData();
  }

 private:
  struct Pending {
    int32_t node_idx;
    asmjit::Label label;  // bound before the node's code unless it falls through
    bool bind;
  };

  // Depth first, left child right after its parent's test, so the walk is one forward pass for
  // rows that go left and one jump per right turn. An explicit stack: trees can be deep.
  void EmitTree(int64_t tree_idx) {
    const asmjit::Label end = a_.newLabel();
    const int32_t output_offset = ensemble_.output_offsets()[static_cast<size_t>(tree_idx)];
    std::vector<Pending> stack = {{ensemble_.roots()[static_cast<size_t>(tree_idx)], {}, false}};
    while (!stack.empty()) {
      const Pending pending = stack.back();
      stack.pop_back();
      if (pending.bind) a_.bind(pending.label);
      const TreeNode& node = ensemble_.nodes()[static_cast<size_t>(pending.node_idx)];
      if (node.is_leaf()) {
        EmitLeaf(node.left, output_offset);
        a_.jmp(end);
        continue;
      }
      const asmjit::Label right = a_.newLabel();
      if ((node.flags & TreeNode::kCategorical) != 0) {
        EmitCategoricalTest(node, right);
      } else {
        EmitNumericTest(pending.node_idx, node, right);
      }
      stack.push_back({node.left + 1, right, true});
      stack.push_back({node.left, {}, false});
    }
    a_.bind(end);
  }

  // Left when value <= threshold, or when the value is NaN and missing values go left.
  void EmitNumericTest(int32_t node_idx, const TreeNode& node, asmjit::Label right) {
    a_.movss(x86::xmm0, x86::dword_ptr(x86::rdi, node.feature * 4));
    a_.ucomiss(x86::xmm0, x86::dword_ptr(thresholds_, node_idx * 4));
    a_.ja(right);  // ordered and greater; an unordered compare sets CF and ZF, so NaN stays
    if ((node.flags & TreeNode::kDefaultLeft) == 0) a_.jp(right);  // NaN goes right
  }

  // TreeNode::GoesLeft for a category split: codes in [0, 256) test their bit; NaN, negative
  // and larger values take the default direction.
  void EmitCategoricalTest(const TreeNode& node, asmjit::Label right) {
    const asmjit::Label left = a_.newLabel();
    const asmjit::Label fallback = (node.flags & TreeNode::kDefaultLeft) != 0 ? left : right;
    a_.movss(x86::xmm0, x86::dword_ptr(x86::rdi, node.feature * 4));
    a_.ucomiss(x86::xmm0, x86::dword_ptr(constants_, 0));  // 0.0f
    a_.jp(fallback);
    a_.jb(fallback);
    a_.ucomiss(x86::xmm0, x86::dword_ptr(constants_, 4));  // 256.0f
    a_.jae(fallback);
    a_.cvttss2si(x86::eax, x86::xmm0);
    a_.lea(x86::r8, x86::ptr(words_, static_cast<int32_t>(node.category_word() * 4)));
    a_.bt(x86::dword_ptr(x86::r8), x86::eax);  // the bit string starting at the node's word
    a_.jnc(right);
    a_.bind(left);
  }

  void EmitLeaf(int32_t leaf_idx, int32_t output_offset) {
    const int width = ensemble_.leaf_width();
    for (int j = 0; j < width; ++j) {
      const int32_t out_at = (output_offset + j) * 4;
      a_.movss(x86::xmm1, x86::dword_ptr(x86::rsi, out_at));
      a_.addss(x86::xmm1, x86::dword_ptr(leaves_, (leaf_idx * width + j) * 4));
      a_.movss(x86::dword_ptr(x86::rsi, out_at), x86::xmm1);
    }
  }

  void EmitData() {
    a_.align(asmjit::AlignMode::kData, 16);
    a_.bind(constants_);
    const std::array<float, 4> constants = {0.0f, 256.0f, 0.0f, 0.0f};
    a_.embed(constants.data(), sizeof(constants));
    a_.bind(thresholds_);
    std::vector<float> thresholds;
    thresholds.reserve(ensemble_.nodes().size());
    for (const TreeNode& node : ensemble_.nodes()) thresholds.push_back(node.threshold);
    a_.embed(thresholds.data(), thresholds.size() * sizeof(float));
    a_.bind(leaves_);
    a_.embed(ensemble_.leaf_values().data(), ensemble_.leaf_values().size() * sizeof(float));
    a_.bind(words_);
    const std::vector<uint32_t>& words = ensemble_.category_words();
    if (words.empty()) {
      a_.embedUInt32(0);
    } else {
      a_.embed(words.data(), words.size() * sizeof(uint32_t));
    }
  }

  const TreeEnsemble& ensemble_;
  x86::Assembler& a_;
  asmjit::Label thresholds_;
  asmjit::Label leaves_;
  asmjit::Label words_;
  asmjit::Label constants_;
};

}  // namespace

std::unique_ptr<CompiledTrees> CompiledTrees::Compile(const TreeEnsemble& ensemble) {
  if (ensemble.n_nodes() > kMaxNodes) return nullptr;
  asmjit::CodeHolder code;
  code.init(Runtime().environment());
  FirstError errors;
  code.setErrorHandler(&errors);
  x86::Assembler assembler(&code);
  TreeEmitter(ensemble, assembler).EmitFunction();
  RowFunction function = nullptr;
  asmjit::Error error = errors.error();
  if (error == asmjit::kErrorOk) error = Runtime().add(&function, &code);
  if (error != asmjit::kErrorOk || function == nullptr) {
    throw Error(StatusCode::kInternal, std::string("jit: asmjit could not compile the trees: ") +
                                           asmjit::DebugUtils::errorAsString(error));
  }
  return std::unique_ptr<CompiledTrees>(new CompiledTrees(function, code.codeSize()));
}

CompiledTrees::~CompiledTrees() { Runtime().release(function_); }

#else  // not x86-64: everything stays in the interpreter

std::unique_ptr<CompiledTrees> CompiledTrees::Compile(const models::tree::TreeEnsemble&) {
  return nullptr;
}

CompiledTrees::~CompiledTrees() = default;

#endif

void CompiledTrees::Accumulate(data::MatrixView x, float* out, int64_t stride,
                               int64_t offset) const {
  tbb::parallel_for(tbb::blocked_range<int64_t>(0, x.rows, 64),
                    [&](const tbb::blocked_range<int64_t>& range) {
                      for (int64_t row = range.begin(); row < range.end(); ++row) {
                        function_(x.row(row), out + row * stride + offset);
                      }
                    });
}

}  // namespace kolosal::jit
