/* xpcsim: the Blocks runtime interface (clang's Blocks ABI), implemented by blocks_runtime.c. */
#ifndef XPCSIM_BLOCK_H
#define XPCSIM_BLOCK_H
#ifdef __cplusplus
extern "C" {
#endif
void *_Block_copy(const void *block);
void _Block_release(const void *block);
#define Block_copy(b) ((__typeof__(b))_Block_copy((const void *)(b)))
#define Block_release(b) _Block_release((const void *)(b))
#ifdef __cplusplus
}
#endif
#endif
