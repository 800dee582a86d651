/* jitl_api.h — the LLVM-C entry points the LLVM tier uses, resolved from
 * libLLVM at run time.
 *
 * vplat does not link libLLVM: loading it costs about 20 ms per process
 * (relocations and static constructors of a 100 MB library), which every
 * run under --jit=none or native would pay.  The LLVM tier instead
 * dlopen()s it the first time a CPU selects --jit=llvm or tiered and
 * calls through this table.  The headers still give every call its
 * prototype: each entry has the type of the function it names.
 *
 *   const JitlApi *api = jitl_api_load(err, sizeof err);
 *   LLVMContextRef c = api->LLVMContextCreate();
 *
 * The table is the process's view of one shared library, filled once
 * (pthread_once) and read-only afterwards, like the dynamic linker's.
 */
#ifndef VPLAT_JITL_API_H
#define VPLAT_JITL_API_H

#include <stddef.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Object.h>
#include <llvm-c/Orc.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>

#define JITL_LLVM_FUNCS(X)                                                                  \
    X(LLVMInitializeX86TargetInfo) X(LLVMInitializeX86Target) X(LLVMInitializeX86TargetMC)  \
    X(LLVMInitializeX86AsmPrinter)                                                          \
    X(LLVMGetErrorMessage) X(LLVMDisposeErrorMessage) X(LLVMConsumeError)                   \
    X(LLVMDisposeMessage) X(LLVMPrintModuleToString) X(LLVMVerifyModule)                    \
    X(LLVMModuleCreateWithNameInContext) X(LLVMSetDataLayout) X(LLVMSetTarget)              \
    X(LLVMDisposeModule)                                                                    \
    X(LLVMInt1TypeInContext) X(LLVMInt8TypeInContext) X(LLVMInt16TypeInContext)             \
    X(LLVMInt32TypeInContext) X(LLVMInt64TypeInContext) X(LLVMInt128TypeInContext)          \
    X(LLVMDoubleTypeInContext) X(LLVMPointerTypeInContext) X(LLVMVoidTypeInContext)         \
    X(LLVMFunctionType)                                                                     \
    X(LLVMAddFunction) X(LLVMGetParam) X(LLVMSetLinkage) X(LLVMSetFunctionCallConv)         \
    X(LLVMAppendBasicBlockInContext) X(LLVMGetInsertBlock) X(LLVMGetBasicBlockTerminator)   \
    X(LLVMCreateBuilderInContext) X(LLVMDisposeBuilder) X(LLVMPositionBuilderAtEnd)         \
    X(LLVMConstInt) X(LLVMConstIntToPtr)                                                    \
    X(LLVMBuildAdd) X(LLVMBuildSub) X(LLVMBuildMul) X(LLVMBuildAnd) X(LLVMBuildOr)          \
    X(LLVMBuildXor) X(LLVMBuildShl) X(LLVMBuildLShr) X(LLVMBuildAShr)                       \
    X(LLVMBuildSDiv) X(LLVMBuildUDiv) X(LLVMBuildSRem) X(LLVMBuildURem)                     \
    X(LLVMBuildFAdd) X(LLVMBuildFSub) X(LLVMBuildFMul) X(LLVMBuildFDiv)                     \
    X(LLVMBuildICmp) X(LLVMBuildSelect) X(LLVMBuildTrunc) X(LLVMBuildSExt) X(LLVMBuildZExt) \
    X(LLVMBuildBitCast) X(LLVMBuildPtrToInt) X(LLVMBuildPhi) X(LLVMAddIncoming)                                  \
    X(LLVMBuildAlloca) X(LLVMBuildLoad2) X(LLVMBuildStore) X(LLVMBuildGEP2)                 \
    X(LLVMSetVolatile) X(LLVMSetAlignment)                                                  \
    X(LLVMBuildBr) X(LLVMBuildCondBr) X(LLVMBuildSwitch) X(LLVMAddCase) X(LLVMBuildRet)     \
    X(LLVMBuildUnreachable) X(LLVMBuildCall2) X(LLVMGetInlineAsm) X(LLVMSetTailCallKind)                           \
    X(LLVMGetIntrinsicDeclaration) X(LLVMLookupIntrinsicID)                                 \
    X(LLVMCreateStringAttribute) X(LLVMAddAttributeAtIndex)                                 \
    X(LLVMGetEnumAttributeKindForName) X(LLVMCreateEnumAttribute) X(LLVMAddCallSiteAttribute) \
    X(LLVMGetDefaultTargetTriple) X(LLVMGetTargetFromTriple) X(LLVMGetHostCPUName)          \
    X(LLVMGetHostCPUFeatures) X(LLVMCreateTargetMachine) X(LLVMDisposeTargetMachine)        \
    X(LLVMCreatePassBuilderOptions) X(LLVMDisposePassBuilderOptions) X(LLVMRunPasses)       \
    X(LLVMOrcCreateLLJITBuilder) X(LLVMOrcLLJITBuilderSetJITTargetMachineBuilder)           \
    X(LLVMOrcJITTargetMachineBuilderDetectHost) X(LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine) X(LLVMOrcCreateLLJIT) X(LLVMOrcDisposeLLJIT) \
    X(LLVMOrcLLJITGetMainJITDylib) X(LLVMOrcLLJITGetDataLayoutStr) X(LLVMOrcLLJITGetTripleString) \
    X(LLVMOrcLLJITAddLLVMIRModuleWithRT) X(LLVMOrcLLJITLookup)                              \
    X(LLVMOrcJITDylibCreateResourceTracker) X(LLVMOrcResourceTrackerRemove)                 \
    X(LLVMOrcReleaseResourceTracker)                                                        \
    X(LLVMOrcCreateNewThreadSafeContext) X(LLVMOrcThreadSafeContextGetContext)              \
    X(LLVMOrcDisposeThreadSafeContext) X(LLVMOrcCreateNewThreadSafeModule)                  \
    X(LLVMOrcLLJITGetObjTransformLayer) X(LLVMOrcObjectTransformLayerSetTransform)          \
    X(LLVMCreateBinary) X(LLVMDisposeBinary) X(LLVMObjectFileCopySymbolIterator)            \
    X(LLVMObjectFileIsSymbolIteratorAtEnd) X(LLVMDisposeSymbolIterator)                     \
    X(LLVMMoveToNextSymbol) X(LLVMGetSymbolName) X(LLVMGetSymbolSize)

typedef struct JitlApi {
#define JITL_API_FIELD(f) __typeof__(f) *f;
    JITL_LLVM_FUNCS(JITL_API_FIELD)
#undef JITL_API_FIELD
} JitlApi;

/* Load libLLVM and resolve every entry (once per process).  NULL, with
 * the reason in err, if the library or a symbol is missing. */
const JitlApi *jitl_api_load(char *err, size_t err_len);

#endif
