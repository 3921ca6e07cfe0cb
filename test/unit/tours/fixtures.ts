// Mailbox inputs for the tour tests, built the way git format-patch, b4 and mail clients write them.
// The patch contents are invented for the tests (small C-like snippets), not taken from the kernel.

export const PATCH_1 = `From: Test Author <author@example.org>
Date: Tue, 16 Jun 2020 00:55:00 -0700
Subject: [PATCH v4 1/3] arm64/vdso: use the fault callback to map vvar
 pages
Message-Id: <20200616075500.1-test@example.org>

Map the data page from a fault handler so that a later patch can
choose the page per task.

Reviewed-by: Some Reviewer <reviewer@example.org>
Signed-off-by: Test Author <author@example.org>
---
v2: cleanups

 arch/arm64/kernel/vdso.c | 12 ++++++++++--
 1 file changed, 10 insertions(+), 2 deletions(-)

diff --git a/arch/arm64/kernel/vdso.c b/arch/arm64/kernel/vdso.c
index 1111111..2222222 100644
--- a/arch/arm64/kernel/vdso.c
+++ b/arch/arm64/kernel/vdso.c
@@ -40,6 +40,14 @@ static struct vdso_abi_info vdso_info[] = {
 	},
 };
 
+static int vvar_fault(const struct vm_special_mapping *sm,
+		      struct vm_area_struct *vma, struct vm_fault *vmf)
+{
+	if (vmf->pgoff == 0)
+		return insert_data_page(vma, vmf);
+	return SIGBUS_RESULT;
+}
+
 static int setup_pages(struct mm_struct *mm)
 {
 	int ret;
@@ -120,6 +128,6 @@ static int __setup_additional_pages(enum vdso_abi abi,
 	unsigned long vdso_base;
 
-	ret = install_mapping(mm, base, VVAR_SIZE, VM_READ, NULL);
+	ret = install_mapping(mm, base, VVAR_SIZE, VM_READ | VM_PFNMAP, &vvar_spec);
 	if (ret)
 		goto up_fail;
 
-- 
2.24.1
`;

export const PATCH_2 = `From: Test Author <author@example.org>
Date: Tue, 16 Jun 2020 00:55:01 -0700
Subject: [PATCH v4 2/3] arm64/vdso: Zap vvar pages when switching to a time
 namespace
Message-Id: <20200616075500.2-test@example.org>
In-Reply-To: <20200616075500.0-test@example.org>

Drop the PTEs of the data mapping when the task changes namespace.

Signed-off-by: Test Author <author@example.org>
---
 arch/arm64/kernel/vdso.c | 10 ++++++++++
 1 file changed, 10 insertions(+)

diff --git a/arch/arm64/kernel/vdso.c b/arch/arm64/kernel/vdso.c
index 2222222..3333333 100644
--- a/arch/arm64/kernel/vdso.c
+++ b/arch/arm64/kernel/vdso.c
@@ -90,6 +90,15 @@ static int setup_pages(struct mm_struct *mm)
 	return 0;
 }
 
+int vdso_join_timens(struct task_struct *task, struct time_namespace *ns)
+{
+	struct mm_struct *mm = task->mm;
+
+	for_each_vvar_vma(mm, vma)
+		zap_page_range(vma, vma->vm_start, vma_size(vma));
+	return 0;
+}
+
 static int __setup_additional_pages(enum vdso_abi abi,
 				    struct mm_struct *mm,
 				    struct linux_binprm *bprm,
-- 
2.24.1
`;

export const COVER = `From: Test Author <author@example.org>
Date: Tue, 16 Jun 2020 00:55:00 -0700
Subject: [PATCH v4 0/3] arm64: add the time namespace support
Message-Id: <20200616075500.0-test@example.org>

A test series in three parts.

Test Author (3):
  arm64/vdso: use the fault callback to map vvar pages
  arm64/vdso: Zap vvar pages when switching to a time namespace
  arm64: enable time namespace support

 arch/arm64/Kconfig       |  1 +
 arch/arm64/kernel/vdso.c | 22 ++++++++++++++++++++--
 2 files changed, 21 insertions(+), 2 deletions(-)

-- 
2.24.1
`;

/** b4 am writes an mbox whose From_ lines are all "From git@z Thu Jan  1 00:00:00 1970". */
export function b4Mbx(messages: readonly string[]): string {
  return messages.map((m) => `From git@z Thu Jan  1 00:00:00 1970\n${m}`).join('\n');
}

/** git format-patch --stdout: From_ lines carry the commit id. */
export function formatPatchMbox(messages: readonly string[]): string {
  return messages.map((m, i) => `From ${String(i + 1).repeat(40).slice(0, 40)} Mon Sep 17 00:00:00 2001\n${m}`).join('\n');
}

export function toBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64').replace(/(.{76})/g, '$1\n');
}

/** Quoted-printable as mail clients write it: '=' escaped, long lines soft-broken, UTF-8 bytes as =XX. */
export function toQuotedPrintable(text: string): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    let enc = '';
    for (const b of Buffer.from(line, 'utf8')) {
      enc += b === 0x3d || b > 0x7e || (b < 0x20 && b !== 0x09) ? '=' + b.toString(16).toUpperCase().padStart(2, '0') : String.fromCharCode(b);
    }
    if (enc.endsWith(' ') || enc.endsWith('\t')) enc = enc.slice(0, -1) + '=' + enc.charCodeAt(enc.length - 1).toString(16).toUpperCase().padStart(2, '0');
    while (enc.length > 75) {
      let cut = 75;
      // Never split an =XX escape.
      const esc = enc.lastIndexOf('=', cut);
      if (esc > cut - 3) cut = esc;
      out.push(enc.slice(0, cut) + '=');
      enc = enc.slice(cut);
    }
    out.push(enc);
  }
  return out.join('\n');
}

/** PATCH_2's body as a MIME mail: a quoted-printable text part and the diff again as a base64 attachment. */
export function mimePatch(): string {
  const body = PATCH_2.split('\n\n').slice(1).join('\n\n');
  return `From: =?utf-8?q?Andr=C3=A9_Tester?= <andre@example.org>
Date: Tue, 16 Jun 2020 00:55:01 -0700
Subject: =?utf-8?b?W1BBVENIIHY0IDIvM10gYXJtNjQvdmRzbzogWmFw?=
 =?utf-8?b?IHZ2YXIgcGFnZXMgd2hlbiBzd2l0Y2hpbmcgdG8gYSB0aW1lIG5hbWVzcGFjZQ==?=
Message-Id: <mime-2@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed;
 boundary="=-=-=boundary42"

This is a multi-part message in MIME format.
--=-=-=boundary42
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

${toQuotedPrintable('Caf\u00e9 note: the zap runs under the mmap read lock. ' + 'x'.repeat(90) + '\n')}
--=-=-=boundary42
Content-Type: text/x-patch; charset="utf-8"; name="0002-zap.patch"
Content-Disposition: attachment; filename="0002-zap.patch"
Content-Transfer-Encoding: base64

${toBase64(body)}
--=-=-=boundary42--
`;
}

/** A web-archive copy of a cover letter: subject on the first line, From/Date lines, no real headers. */
export const ARCHIVE_COVER = `[PATCH v4 0/6] arm64: add the time namespace support

From: Test Author
Date: Tue Jun 16 2020 - 03:56:30 EST


A summary written for this test.

Test Author (6):
arm64/vdso: use the fault callback to map vvar pages
arm64/vdso: Zap vvar pages when switching to a time namespace
arm64/vdso: Add time namespace page
arm64/vdso: Handle faults on timens page
arm64/vdso: Restrict splitting VVAR VMA
arm64: enable time namespace support

--
2.24.1
`;
