// The files a followed patch is made of: the patch, the modules it imports, its worklet modules and theirs, as
// its last renders reported them. An edit to any of them renders the patch again, with their unsaved text.

/** The parts of an open document this module reads. */
export interface InputDocument {
  readonly uri: { readonly scheme: string; readonly fsPath: string };
  readonly isDirty: boolean;
  getText(): string;
}

/** The files of one patch, as its renders report them (see the engine's `onInputs`). */
export class PatchInputs {
  private files: ReadonlySet<string>;

  constructor(readonly patchPath: string) {
    this.files = new Set([patchPath]);
  }

  /** Takes a render's report of the files it read. */
  update(files: readonly string[]): void {
    this.files = new Set([this.patchPath, ...files]);
  }

  /**
   * Adds a file a failed render pointed at: a syntax error in an imported module stops the bundle before it is
   * reported, and the edit that fixes it must still render the patch.
   */
  add(file: string | undefined): void {
    if (!file || this.files.has(file)) return;
    this.files = new Set([...this.files, file]);
  }

  /** True when `filePath` is one of the patch's files other than the patch itself. */
  isModule(filePath: string): boolean {
    return filePath !== this.patchPath && this.files.has(filePath);
  }

  /** The unsaved text of the patch's other files among `documents` (on-disk `file` documents only), by path. */
  overlays(documents: readonly InputDocument[]): Record<string, string> | undefined {
    let overlays: Record<string, string> | undefined;
    for (const document of documents) {
      if (document.uri.scheme !== 'file' || !document.isDirty || !this.isModule(document.uri.fsPath)) continue;
      (overlays ??= {})[document.uri.fsPath] = document.getText();
    }
    return overlays;
  }
}
