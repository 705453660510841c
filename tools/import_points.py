#!/usr/bin/python3
"""Turn a CSV of numbers (or the UCI handwritten digits that python3-sklearn ships) into an HDF5 point set
that swf-run reads, with a fixed, seeded train / held-out split recorded in the file.

    /usr/bin/python3 tools/import_points.py digits -o digits.h5
    /usr/bin/python3 tools/import_points.py data.csv[.gz] -o data.h5 [--label-column -1] [--scale 255]
        [--image-shape 28 28] [--held-out 1000] [--seed 0]

The file (H5MD 1.1, as swf_points_write writes it):
    /particles/train/position     float32 [n_train, d]: the values divided by --scale
    /particles/held_out/position  float32 [n_held_out, d] (only with --held-out > 0)
    /particles/<group>/index      int64: the row of each point in the source
    /particles/<group>/label      int32: the label column, when there is one
    /parameters/swflow            attributes image_shape (rows, cols), value_scale (stored = source / scale),
                                  source, split_seed, train, held_out
Name a part as FILE.h5:/particles/train or FILE.h5:/particles/held_out. Needs numpy and h5py (Debian's
python3-numpy, python3-h5py). Exit codes as swf-run's: 0 success, 2 usage error, 4 a file that cannot be
read or written or is not a CSV of numbers.
"""
import argparse
import glob
import gzip
import os
import sys

EXIT_USAGE = 2
EXIT_INPUT = 4

# The digits as python3-sklearn ships them: 1,797 rows of 64 pixels (0-16) and the digit, comma-separated.
DIGITS_FILE = "sklearn/datasets/data/digits.csv.gz"
DIGITS_DEFAULTS = {"label_column": -1, "scale": 16.0, "image_shape": [8, 8], "held_out": 297}
INSTALL_HINT = "install Debian's python3-sklearn (sudo apt-get install python3-sklearn)"


class Failure(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def digits_csv():
    """The sklearn digits file: $SWF_DIGITS_CSV when set, else the first found in the usual package paths."""
    if "SWF_DIGITS_CSV" in os.environ:
        path = os.environ["SWF_DIGITS_CSV"]
        return path if os.path.isfile(path) else None
    roots = ["/usr/lib/python3/dist-packages", *glob.glob("/usr/local/lib/python3*/dist-packages"),
             *glob.glob("/usr/lib/python3*/site-packages"), *[p for p in sys.path if p]]
    for root in roots:
        path = os.path.join(root, DIGITS_FILE)
        if os.path.isfile(path):
            return path
    return None


def read_csv(path, delimiter):
    """Rows of numbers as float64, a first line that is not numbers taken as a header."""
    import numpy as np
    opener = gzip.open if path.endswith(".gz") else open
    rows = []
    try:
        with opener(path, "rt") as f:
            for number, line in enumerate(f, start=1):
                line = line.strip()
                if not line:
                    continue
                fields = [field.strip() for field in line.split(delimiter)]
                try:
                    rows.append([float(field) for field in fields])
                except ValueError:
                    if number == 1 and not rows:
                        continue  # a header
                    raise Failure(EXIT_INPUT, f"{path}: line {number} is not {delimiter!r}-separated numbers")
                if len(rows[-1]) != len(rows[0]):
                    raise Failure(EXIT_INPUT, f"{path}: line {number} has {len(rows[-1])} values, "
                                              f"the first row {len(rows[0])}")
    except (OSError, EOFError, UnicodeDecodeError) as error:
        raise Failure(EXIT_INPUT, f"{path}: cannot be read: {error}")
    if not rows:
        raise Failure(EXIT_INPUT, f"{path}: holds no rows of numbers")
    values = np.array(rows, dtype=np.float64)
    if not np.all(np.isfinite(values)):
        row = int(np.argwhere(~np.isfinite(values))[0][0])
        raise Failure(EXIT_INPUT, f"{path}: data row {row} has a value that is not finite")
    return values


def write_file(out, parts, attributes):
    """parts: group -> (points, index, labels or None). Written under a temporary name, then renamed."""
    import h5py
    import numpy as np
    temporary = f"{out}.tmp-{os.getpid()}"
    try:
        with h5py.File(temporary, "w") as f:
            h5md = f.create_group("h5md")
            h5md.attrs["version"] = np.array([1, 1], dtype=np.int32)
            h5md.create_group("author").attrs["name"] = np.bytes_("unknown")
            creator = h5md.create_group("creator")
            creator.attrs["name"] = np.bytes_("libswflow")
            creator.attrs["version"] = np.bytes_("import_points.py")
            for group, (points, index, labels) in parts.items():
                g = f.create_group(f"particles/{group}")
                box = g.create_group("box")
                box.attrs["dimension"] = np.int32(points.shape[1])
                box.attrs["boundary"] = np.array([b"none"] * points.shape[1], dtype="S4")
                g.create_dataset("position", data=points.astype(np.float32))
                g.create_dataset("index", data=index.astype(np.int64))
                if labels is not None:
                    g.create_dataset("label", data=labels.astype(np.int32))
            parameters = f.create_group("parameters/swflow")
            for name, value in attributes.items():
                parameters.attrs[name] = np.bytes_(value) if isinstance(value, str) else value
        os.replace(temporary, out)
    except OSError as error:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise Failure(EXIT_INPUT, f"cannot write {out}: {error}")


def import_points(args):
    import numpy as np
    if args.source == "digits":
        source = digits_csv()
        if source is None:
            raise Failure(EXIT_INPUT, f"the digits file ({DIGITS_FILE}) was not found: {INSTALL_HINT}")
        for name, value in DIGITS_DEFAULTS.items():
            if getattr(args, name) is None:
                setattr(args, name, value)
    else:
        source = args.source
    values = read_csv(source, args.delimiter)
    labels = None
    if args.label_column is not None:
        column = args.label_column
        if not -values.shape[1] <= column < values.shape[1]:
            raise Failure(EXIT_USAGE, f"--label-column {column}: {source} has {values.shape[1]} columns")
        labels = values[:, column].astype(np.int64)
        values = np.delete(values, column, axis=1)
    n, d = values.shape
    if d == 0:
        raise Failure(EXIT_INPUT, f"{source}: no value columns besides the label")
    shape = args.image_shape
    if shape is not None and (min(shape) <= 0 or shape[0] * shape[1] != d):
        raise Failure(EXIT_USAGE, f"--image-shape {shape[0]} {shape[1]} does not match the dimension {d} of {source}")
    scale = 1.0 if args.scale is None else args.scale
    if not (scale > 0 and np.isfinite(scale)):
        raise Failure(EXIT_USAGE, f"--scale {scale} must be a positive number")
    held_out = args.held_out or 0
    if not 0 <= held_out < n:
        raise Failure(EXIT_USAGE, f"--held-out {held_out} must be at least 0 and below the {n} rows of {source}")
    order = np.random.default_rng(args.seed).permutation(n)
    split = {"train": np.sort(order[held_out:])}
    if held_out > 0:
        split["held_out"] = np.sort(order[:held_out])
    points = values / scale
    parts = {group: (points[rows], rows, None if labels is None else labels[rows]) for group, rows in split.items()}
    attributes = {"source": os.path.abspath(source), "value_scale": np.float64(scale),
                  "split_seed": np.int64(args.seed), "train": np.int64(n - held_out),
                  "held_out": np.int64(held_out)}
    if shape is not None:
        attributes["image_shape"] = np.array(shape, dtype=np.int32)
    write_file(args.out, parts, attributes)
    print(f"{n - held_out} train + {held_out} held-out points (d = {d}) of {source} -> {args.out}:/particles/train"
          + (f", {args.out}:/particles/held_out" if held_out else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", help="a CSV file of numbers (.gz allowed), or 'digits' for sklearn's digits")
    parser.add_argument("-o", "--out", required=True, help="the HDF5 file to write")
    parser.add_argument("--label-column", type=int, help="a column of labels, not values (-1: the last); "
                                                         "digits: -1")
    parser.add_argument("--scale", type=float, help="divide every value by this (digits: 16, values in [0, 1])")
    parser.add_argument("--image-shape", type=int, nargs=2, metavar=("ROWS", "COLS"),
                        help="the points are images of ROWS x COLS (digits: 8 8)")
    parser.add_argument("--held-out", type=int, help="rows kept out of /particles/train (digits: 297)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the split (default 0)")
    parser.add_argument("--delimiter", default=",", help="field separator (default ,)")
    parser.add_argument("--list", action="store_true",
                        help="print the line of `swf-run datasets` for the digits (where they are, or how to "
                             "install them) and exit")
    if "--list" in sys.argv[1:]:
        path = digits_csv()
        print("digits  (64-D: 8 x 8 images, the 1,797 UCI handwritten digits of python3-sklearn; "
              "swf-run datasets digits -o digits.h5)" if path else f"digits  (not installed: {INSTALL_HINT})")
        return 0
    args = parser.parse_args()
    try:
        import_points(args)
    except Failure as failure:
        print(f"import_points.py: {failure}", file=sys.stderr)
        return failure.code
    except ImportError as error:
        print(f"import_points.py: {error}: install Debian's python3-numpy and python3-h5py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
