/*
 * LD_PRELOAD library that makes hard links fail the way a filesystem without hard links
 * (SMB/CIFS, FUSE mounts of object stores) answers them: link() and linkat() return -1 with
 * the configured errno when either path lies under FLINK_LAB_NOLINK_DIR. Every other call,
 * and every link outside that directory, goes to the C library unchanged.
 *
 *   FLINK_LAB_NOLINK_DIR    absolute directory (required; without it nothing is changed)
 *   FLINK_LAB_NOLINK_ERRNO  EOPNOTSUPP (default), EPERM, ENOSYS or EMLINK
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int chosen_errno(void) {
  const char *e = getenv("FLINK_LAB_NOLINK_ERRNO");
  if (!e || !*e || strcmp(e, "EOPNOTSUPP") == 0) return EOPNOTSUPP;
  if (strcmp(e, "EPERM") == 0) return EPERM;
  if (strcmp(e, "ENOSYS") == 0) return ENOSYS;
  if (strcmp(e, "EMLINK") == 0) return EMLINK;
  return EOPNOTSUPP;
}

/* Absolute form of path as seen from dirfd (AT_FDCWD or an open directory). */
static void absolute(int dirfd, const char *path, char *out, size_t size) {
  if (path[0] == '/') { snprintf(out, size, "%s", path); return; }
  char base[PATH_MAX] = "";
  if (dirfd == AT_FDCWD) {
    if (!getcwd(base, sizeof base)) base[0] = 0;
  } else {
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", dirfd);
    ssize_t n = readlink(proc, base, sizeof base - 1);
    base[n > 0 ? n : 0] = 0;
  }
  snprintf(out, size, "%s/%s", base, path);
}

static int denied(int dirfd, const char *path) {
  const char *dir = getenv("FLINK_LAB_NOLINK_DIR");
  if (!dir || !*dir || !path) return 0;
  char abs[PATH_MAX * 2];
  absolute(dirfd, path, abs, sizeof abs);
  size_t n = strlen(dir);
  while (n > 1 && dir[n - 1] == '/') n--;
  return strncmp(abs, dir, n) == 0 && (abs[n] == '/' || abs[n] == 0);
}

int link(const char *oldpath, const char *newpath) {
  if (denied(AT_FDCWD, oldpath) || denied(AT_FDCWD, newpath)) { errno = chosen_errno(); return -1; }
  int (*real)(const char *, const char *) = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "link");
  return real(oldpath, newpath);
}

int linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags) {
  if (denied(olddirfd, oldpath) || denied(newdirfd, newpath)) { errno = chosen_errno(); return -1; }
  int (*real)(int, const char *, int, const char *, int) =
      (int (*)(int, const char *, int, const char *, int))dlsym(RTLD_NEXT, "linkat");
  return real(olddirfd, oldpath, newdirfd, newpath, flags);
}
