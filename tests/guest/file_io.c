/* file_io.c — file system syscalls: `file_io DIR` (default /tmp/...).
 *
 * Creates DIR/work, writes a file with write/pwrite/writev, seeks, reads
 * back (read/pread/readv, stdio), checks stat/fstat sizes, renames,
 * truncates, lists the directory (sorted, since getdents order is the host
 * file system's), unlinks everything.  Prints names relative to DIR only.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static char base[512];

static const char *path(const char *name)
{
    static char buf[2][600];
    static int which;
    which ^= 1;
    snprintf(buf[which], sizeof buf[which], "%s/%s", base, name);
    return buf[which];
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_dir(const char *dir)
{
    DIR *d = opendir(path(dir));
    if (!d) {
        printf("opendir failed: %s\n", strerror(errno));
        return;
    }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 64)
        names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_names);
    printf("listing %s (%d entries):", dir, n);
    for (int i = 0; i < n; i++) {
        struct stat st;
        char rel[300];
        snprintf(rel, sizeof rel, "%s/%s", dir, names[i]);
        if (lstat(path(rel), &st) == 0)
            printf(" %s[%c%lld]", names[i], S_ISDIR(st.st_mode) ? 'd' : 'f',
                   S_ISDIR(st.st_mode) ? 0LL : (long long)st.st_size);
        free(names[i]);
    }
    printf("\n");
}

int main(int argc, char **argv)
{
    snprintf(base, sizeof base, "%s", argc > 1 ? argv[1] : "/tmp/vplat_file_io");
    mkdir(base, 0755);
    if (mkdir(path("work"), 0755) != 0 && errno != EEXIST) {
        printf("mkdir failed: %s\n", strerror(errno));
        return 1;
    }
    printf("mkdir again: %s\n", mkdir(path("work"), 0755) == 0 ? "ok" : strerror(errno));

    int fd = open(path("work/a.txt"), O_CREAT | O_TRUNC | O_RDWR, 0644);
    printf("open: %s\n", fd >= 0 ? "ok" : strerror(errno));
    const char *msg = "Hello, file!\n";
    printf("write=%zd\n", write(fd, msg, strlen(msg)));
    char block[4096];
    for (int i = 0; i < (int)sizeof block; i++)
        block[i] = (char)('a' + i % 26);
    for (int i = 0; i < 10; i++)
        if (write(fd, block, sizeof block) != (ssize_t)sizeof block)
            printf("short write\n");
    struct iovec iov[3] = {{"one ", 4}, {"two ", 4}, {"three\n", 6}};
    printf("writev=%zd\n", writev(fd, iov, 3));
    printf("lseek end=%lld\n", (long long)lseek(fd, 0, SEEK_END));
    printf("lseek set=%lld\n", (long long)lseek(fd, 7, SEEK_SET));
    char buf[64] = {0};
    printf("read=%zd [%.6s]\n", read(fd, buf, 6), buf);
    printf("lseek cur=%lld\n", (long long)lseek(fd, 100, SEEK_CUR));
    printf("pwrite=%zd\n", pwrite(fd, "XYZ", 3, 5000));
    memset(buf, 0, sizeof buf);
    printf("pread=%zd [%.10s]\n", pread(fd, buf, 10, 4998), buf);
    printf("lseek after pread=%lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    char r1[5] = {0}, r2[7] = {0};
    struct iovec riov[2] = {{r1, 4}, {r2, 6}};
    lseek(fd, 0, SEEK_SET);
    printf("readv=%zd [%s][%s]\n", readv(fd, riov, 2), r1, r2);
    struct stat st;
    fstat(fd, &st);
    printf("fstat size=%lld regular=%d mode=%o\n", (long long)st.st_size, S_ISREG(st.st_mode),
           st.st_mode & 0777);
    printf("lseek past end=%lld\n", (long long)lseek(fd, 100000, SEEK_SET));
    printf("write at hole=%zd\n", write(fd, "END", 3));
    stat(path("work/a.txt"), &st);
    printf("stat size=%lld\n", (long long)st.st_size);
    printf("ftruncate=%d\n", ftruncate(fd, 12345));
    fstat(fd, &st);
    printf("size after truncate=%lld\n", (long long)st.st_size);
    lseek(fd, 50000, SEEK_SET);
    memset(buf, 1, 8);
    printf("read in truncated tail=%zd\n", read(fd, buf, 8));
    close(fd);
    printf("read closed fd: %zd errno=%s\n", read(fd, buf, 1), strerror(errno));

    FILE *f = fopen(path("work/b.txt"), "w+");
    for (int i = 0; i < 100; i++)
        fprintf(f, "line %d %x %.2f\n", i, i * i, i / 7.0);
    rewind(f);
    char line[100];
    unsigned long sum = 0;
    int lines = 0;
    while (fgets(line, sizeof line, f)) {
        for (char *p = line; *p; p++)
            sum = sum * 31 + (unsigned char)*p;
        lines++;
    }
    printf("stdio lines=%d sum=%lx ftell=%ld\n", lines, sum, ftell(f));
    fclose(f);

    mkdir(path("work/sub"), 0700);
    close(open(path("work/sub/empty"), O_CREAT | O_WRONLY, 0600));
    printf("rename=%d\n", rename(path("work/b.txt"), path("work/c.txt")));
    printf("open missing: %d errno=%s\n", open(path("work/b.txt"), O_RDONLY), strerror(errno));
    printf("access c=%d\n", access(path("work/c.txt"), R_OK | W_OK));
    list_dir("work");
    list_dir("work/sub");

    printf("rmdir nonempty: %d errno=%s\n", rmdir(path("work/sub")), strerror(errno));
    printf("unlink a=%d\n", unlink(path("work/a.txt")));
    printf("unlink c=%d\n", unlink(path("work/c.txt")));
    printf("unlink empty=%d\n", unlink(path("work/sub/empty")));
    printf("unlink again=%d errno=%s\n", unlink(path("work/a.txt")), strerror(errno));
    printf("rmdir sub=%d\n", rmdir(path("work/sub")));
    list_dir("work");
    printf("rmdir work=%d\n", rmdir(path("work")));
    rmdir(base);

    char cwd[600];
    printf("chdir /=%d getcwd=%s\n", chdir("/"), getcwd(cwd, sizeof cwd) ? cwd : "?");
    return 0;
}
