package ai.kolosal;

/** Memory order of an input matrix (kolosal_layout). */
public enum Layout {
  ROW_MAJOR(0),
  COL_MAJOR(1);

  final int code;

  Layout(int code) {
    this.code = code;
  }
}
