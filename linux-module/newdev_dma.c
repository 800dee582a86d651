/* newdev_dma.c — a DMA round trip through newdev.ko, run inside the guest
 * (/bin/newdev-dma in the initramfs; the demo script calls it):
 *
 *   1. a pattern of BYTES bytes ─ioctl NEWDEV_IOC_DMA_TO_DEVICE─▶ device buffer
 *   2. the device buffer read back through read(2) (the driver's I/O-port
 *      path, not DMA) must equal the pattern
 *   3. device buffer ─ioctl NEWDEV_IOC_DMA_FROM_DEVICE─▶ a second buffer,
 *      which must equal the pattern
 *   4. the device's counters (NEWDEV_IOC_INFO)
 *
 *   newdev-dma [BYTES] [DEVICE]      default: the whole buffer, /dev/newdev
 *
 * Exit status 0 when every step matched, 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "newdev_ioctl.h"

static int fail(const char *what) {
    printf("newdev-dma: %s: %s\n", what, strerror(errno));
    return 1;
}

int main(int argc, char **argv) {
    const char *path = argc > 2 ? argv[2] : "/dev/newdev";
    int fd = open(path, O_RDWR);
    if (fd < 0) return fail(path);
    struct newdev_info info;
    if (ioctl(fd, NEWDEV_IOC_INFO, &info) != 0) return fail("NEWDEV_IOC_INFO");
    unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : info.buf_size;
    if (n == 0 || n > info.buf_size) {
        printf("newdev-dma: BYTES must be 1..%u\n", info.buf_size);
        return 1;
    }
    uint8_t *out = malloc(n), *back = calloc(1, n), *pio = calloc(1, n);
    if (!out || !back || !pio) return fail("malloc");
    for (unsigned long i = 0; i < n; i++) out[i] = (uint8_t)(i * 31 + 7);

    struct newdev_dma d = {.user_addr = (uintptr_t)out, .len = (uint32_t)n, .offset = 0};
    if (ioctl(fd, NEWDEV_IOC_DMA_TO_DEVICE, &d) != 0) return fail("NEWDEV_IOC_DMA_TO_DEVICE");
    printf("newdev-dma: %lu bytes to the device by DMA: ok\n", n);

    ssize_t got = pread(fd, pio, n, 0);
    if (got < 0) return fail("read");
    int pio_ok = (unsigned long)got == n && !memcmp(out, pio, n);
    printf("newdev-dma: %zd bytes read back through the I/O ports: %s\n", got, pio_ok ? "match" : "MISMATCH");

    d.user_addr = (uintptr_t)back;
    if (ioctl(fd, NEWDEV_IOC_DMA_FROM_DEVICE, &d) != 0) return fail("NEWDEV_IOC_DMA_FROM_DEVICE");
    int dma_ok = !memcmp(out, back, n);
    printf("newdev-dma: %lu bytes back from the device by DMA: %s\n", n, dma_ok ? "match" : "MISMATCH");

    if (ioctl(fd, NEWDEV_IOC_INFO, &info) != 0) return fail("NEWDEV_IOC_INFO");
    printf("newdev-dma: device counters: %u commands, %u interrupts raised, %llu handled\n", info.cmd_count,
           info.irq_count, (unsigned long long)info.irqs_handled);
    close(fd);
    int ok = pio_ok && dma_ok;
    printf("newdev-dma: round trip %s\n", ok ? "OK" : "FAILED");
    return ok ? 0 : 1;
}
