// The map table of the report: a page of rows at a time from the inline data, filtered as one types,
// sorted by any column; a row expands into its details; FSC curves are drawn only when shown.
// Every text from the data goes in as text (textContent), never as markup.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var SVG = "http://www.w3.org/2000/svg";
  var MASKS = data.masks;
  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var MARK = 1023, LOW = -0.2, HIGH = 1.2, THRESHOLD = 0.143;  // compact.py's LEVELS, LOW and HIGH
  var field = {};
  data.columns.forEach(function (name, i) { field[name] = i; });
  var maps = data.maps, projects = data.projects;
  var collator = new Intl.Collator("en", {numeric: true});
  var table = document.getElementById("maps"), body = table.tBodies[0];
  var filterBox = document.getElementById("filter"), shown = document.getElementById("shown");
  var previous = document.getElementById("previous"), next = document.getElementById("next");
  var viewer = document.getElementById("viewer"), content = viewer.querySelector(".content");
  var expanded = {};
  var state = {order: maps.map(function (_, i) { return i; }), visible: null, page: 0};

  function label(i) { return projects[maps[i][field.project]].uid + "/" + maps[i][field.job]; }
  function projectName(p) { return projects[p].title || projects[p].uid; }
  var haystack = maps.map(function (row, i) {
    var p = projects[row[field.project]];
    return [label(i), p.title, row[field.title], row[field.type], row[field.symmetry]].join("\u0001").toLowerCase();
  });

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function svgEl(tag, attributes) {
    var e = document.createElementNS(SVG, tag);
    for (var name in attributes) e.setAttribute(name, attributes[name]);
    return e;
  }
  function number(value, digits) {
    if (value === null || value === undefined) return "";
    if (Array.isArray(value)) return value.map(function (v) { return number(v, digits); }).join(", ");
    if (typeof value !== "number") return String(value);
    return value.toLocaleString("en-US", {minimumFractionDigits: digits, maximumFractionDigits: digits});
  }
  function plain(value) {
    if (value === null || value === undefined || (Array.isArray(value) && !value.length)) return "\u2014";
    if (Array.isArray(value)) return value.map(plain).join(", ");
    if (typeof value === "number") return Number.isInteger(value) ? value.toLocaleString("en-US") : String(+value.toPrecision(4));
    return String(value);
  }

  // ---- sorting and filtering
  function sortKey(i, key) {
    var row = maps[i];
    if (key === "job") return label(i);
    if (key === "project") return projectName(row[field.project]) + "\u0001" + projects[row[field.project]].uid;
    var value = row[field[key]];
    return Array.isArray(value) ? value[0] : value;
  }
  table.tHead.addEventListener("click", function (event) {
    var th = event.target.closest("th[data-key]");
    if (!th) return;
    var key = th.dataset.key, numeric = th.dataset.type === "number";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var keyed = state.order.map(function (i, position) { return [sortKey(i, key), position, i]; });
    keyed.sort(function (a, b) {
      var x = a[0], y = b[0];
      var missingX = x === null || x === undefined || x === "", missingY = y === null || y === undefined || y === "";
      if (missingX || missingY) return (missingX - missingY) || (a[1] - b[1]);  // empty cells last
      var order = numeric ? x - y : collator.compare(x, y);
      return (ascending ? order : -order) || (a[1] - b[1]);  // stable
    });
    state.order = keyed.map(function (k) { return k[2]; });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    state.page = 0;
    refilter();
  });
  function refilter() {
    var words = filterBox.value.toLowerCase().split(/\s+/).filter(Boolean);
    state.visible = words.length ? state.order.filter(function (i) {
      return words.every(function (w) { return haystack[i].indexOf(w) >= 0; });
    }) : state.order;
    render();
  }
  filterBox.addEventListener("input", function () { state.page = 0; refilter(); });
  previous.addEventListener("click", function () { state.page -= 1; render(); });
  next.addEventListener("click", function () { state.page += 1; render(); });

  // ---- rows
  function checkCell(status) {
    if (status === null || status === undefined) return el("td", "check", "");
    if (status === 0) return el("td", "check ok", "\u2713");
    if (status < 0) return el("td", "check unreachable", "\u2014");
    return el("td", "check problems", "\u2717 " + status);
  }
  function row(i) {
    var values = maps[i], tr = el("tr", "map");
    tr.dataset.index = i;
    var first = el("td", "job");
    var toggle = el("button", "expand");
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", expanded[i] ? "true" : "false");
    toggle.setAttribute("aria-label", "Details of " + label(i));
    first.appendChild(toggle);
    first.appendChild(document.createTextNode(label(i)));
    tr.appendChild(first);
    var project = el("td", "project");
    var swatch = el("span", "swatch");
    swatch.style.background = data.colours[values[field.project]];
    project.appendChild(swatch);
    project.appendChild(document.createTextNode(projectName(values[field.project])));
    project.title = projects[values[field.project]].uid;
    tr.appendChild(project);
    tr.appendChild(el("td", "", values[field.title]));
    tr.appendChild(el("td", "", values[field.type]));
    var completed = values[field.completed];
    tr.appendChild(el("td", "", completed ? completed.slice(0, 16).replace("T", " ") : ""));
    tr.appendChild(el("td", "number", number(values[field.resolution], 2)));
    tr.appendChild(el("td", "number", number(values[field.particles], 0)));
    tr.appendChild(el("td", "", values[field.symmetry]));
    tr.appendChild(el("td", "number", number(values[field.bfactor], 1)));
    tr.appendChild(el("td", "number", number(values[field.local_resolution], 2)));
    tr.appendChild(checkCell(values[field.check]));
    var plotCell = el("td", "plot");
    if (data.curves[i]) {
      var thumb = el("button", "thumb");
      thumb.type = "button";
      thumb.setAttribute("aria-label", "FSC of " + label(i) + ", enlarge");
      thumb.appendChild(thumbnail(data.curves[i]));
      plotCell.appendChild(thumb);
    }
    tr.appendChild(plotCell);
    return tr;
  }
  function render() {
    var visible = state.visible, size = data.page_rows;
    var pages = Math.max(1, Math.ceil(visible.length / size));
    state.page = Math.min(Math.max(state.page, 0), pages - 1);
    var start = state.page * size, end = Math.min(start + size, visible.length);
    var rows = document.createDocumentFragment();
    for (var k = start; k < end; k++) {
      rows.appendChild(row(visible[k]));
      if (expanded[visible[k]]) rows.appendChild(detailRow(visible[k]));
    }
    body.textContent = "";
    body.appendChild(rows);
    var of = visible.length === maps.length ? "" : " (filtered from " + maps.length.toLocaleString("en-US") + ")";
    shown.textContent = visible.length ? "Maps " + (start + 1).toLocaleString("en-US") + "\u2013" +
      end.toLocaleString("en-US") + " of " + visible.length.toLocaleString("en-US") + of : "No map matches" + of;
    previous.disabled = state.page === 0;
    next.disabled = state.page >= pages - 1;
  }
  body.addEventListener("click", function (event) {
    var thumb = event.target.closest("button.thumb");
    var tr = event.target.closest("tr.map");
    if (!tr) return;
    var i = +tr.dataset.index;
    if (thumb) { enlarge(i); return; }
    if (event.target.closest("a, input")) return;
    expanded[i] = !expanded[i];
    tr.querySelector("button.expand").setAttribute("aria-expanded", expanded[i] ? "true" : "false");
    if (expanded[i]) tr.parentNode.insertBefore(detailRow(i), tr.nextSibling);
    else if (tr.nextSibling && tr.nextSibling.classList.contains("details")) tr.parentNode.removeChild(tr.nextSibling);
  });

  // ---- a map's details
  function section(title) {
    var s = el("div", "detail");
    s.appendChild(el("h4", "", title));
    return s;
  }
  function pairs(list) {
    var dl = el("dl");
    list.forEach(function (pair) {
      if (pair[1] === null || pair[1] === undefined || pair[1] === "") return;
      dl.appendChild(el("dt", "", pair[0]));
      dl.appendChild(el("dd", "", pair[1]));
    });
    return dl;
  }
  function detailRow(i) {
    var detail = data.details[i], values = maps[i];
    var tr = el("tr", "details"), td = el("td");
    td.colSpan = table.tHead.rows[0].cells.length;
    var grid = el("div", "detail-grid");
    if (data.curves[i]) {
      var plot = section("FSC");
      plot.appendChild(fscPlot(data.curves[i], true, label(i)));
      grid.appendChild(plot);
    }
    var t1 = section("Table 1");
    if (detail.table1) {
      var t = el("table", "table1"), tbody = el("tbody");
      detail.table1.forEach(function (index) {
        var name = data.sections[index][0], values1 = data.sections[index][1];
        var head = el("tr"), th = el("th", "", name.replace(/_/g, " "));
        th.colSpan = 2;
        head.appendChild(th);
        tbody.appendChild(head);
        if (!values1) { var none = el("tr"); none.appendChild(el("td", "", "\u2014")); tbody.appendChild(none); return; }
        Object.keys(values1).forEach(function (key) {
          var tr1 = el("tr");
          tr1.appendChild(el("td", "", data.labels[key] || key));
          tr1.appendChild(el("td", "number", plain(values1[key])));
          tbody.appendChild(tr1);
        });
      });
      t.appendChild(tbody);
      t1.appendChild(t);
    } else {
      t1.appendChild(el("p", "missing", "No table1 record for this map."));
    }
    grid.appendChild(t1);
    var lineage = section("Lineage, import to map");
    if (detail.lineage) {
      var list = el("ol", "lineage");
      detail.lineage.slice().reverse().forEach(function (index) {
        var step = data.steps[index];
        var item = el("li");
        item.appendChild(el("strong", "", step[0]));
        item.appendChild(document.createTextNode(" " + (step[1] || "")));
        if (step[2]) item.appendChild(el("span", "input", " \u2192 " + step[2] + (step[3] !== null ? " (" + plain(step[3]) + ")" : "")));
        if (step[4]) item.appendChild(el("span", "note", " " + step[4]));
        list.appendChild(item);
      });
      lineage.appendChild(list);
    } else {
      lineage.appendChild(el("p", "missing", "No table1 record for this map."));
    }
    grid.appendChild(lineage);
    var check = section("Check");
    var status = values[field.check];
    check.appendChild(el("p", status === 0 ? "ok" : (status > 0 ? "problems" : "missing"),
      status === 0 ? "Map, half maps and masks agree with the record." :
      status > 0 ? status + " problem" + (status > 1 ? "s" : "") + ":" :
      status < 0 ? "Not checked: the map's folder is not reachable from where the report was made." : "Not checked."));
    if (detail.problems !== undefined) {
      var problems = el("ul", "problems");
      data.checks[detail.problems].forEach(function (p) { problems.appendChild(el("li", "", p)); });
      check.appendChild(problems);
    }
    grid.appendChild(check);
    var map = section("Map");
    var masks = detail.masks || [];
    map.appendChild(pairs([["Pixel size (\u00c5)", detail.psize ? plain(detail.psize) : null],
      ["Box (voxels)", detail.box ? plain(detail.box) : null], ["cFAR", detail.cfar ? plain(detail.cfar) : null]]
      .concat(data.masks.map(function (m, k) {
        return ["FSC " + m.replace("_", " ") + " (\u00c5)", masks[k] ? number(masks[k], 2) : null];
      }))));
    if (detail.paths) {
      var paths = [];
      detail.paths.slice(1).forEach(function (rest, k) {
        if (rest !== null) paths.push([data.path_names[k], detail.paths[0] + rest]);
      });
      map.appendChild(pairs(paths));
      map.lastChild.className = "paths";
    }
    grid.appendChild(map);
    td.appendChild(grid);
    tr.appendChild(td);
    return tr;
  }

  // ---- FSC curves from the compact data
  function pair(text, at) { return ALPHABET.indexOf(text.charAt(at)) * 64 + ALPHABET.indexOf(text.charAt(at + 1)); }
  function decode(text) {  // see extractor/pictures/compact.py
    var lines = [], line = [], shell = -1;
    for (var at = 0; at < text.length; at += 2) {
      var code = pair(text, at), step = code >> 10, level = code & 1023;
      if (level === MARK) {
        if (step === 0) { if (line.length) lines.push(line); line = []; }
        else { at += 2; shell += pair(text, at); }
        continue;
      }
      shell += step + 1;
      line.push([shell, LOW + level / (MARK - 1) * (HIGH - LOW)]);
    }
    if (line.length) lines.push(line);
    return lines;
  }
  function frequency(compact, shell) { return compact.x ? compact.x[shell] : compact.x0 + shell * compact.dx; }
  function fscPlot(compact, big, title) {
    var W = 600, H = 400, left = big ? 70 : 20, right = W - (big ? 30 : 20), top = big ? 14 : 20, bottom = H - (big ? 56 : 20);
    var lines = {}, nyquist = 0;
    MASKS.forEach(function (mask, k) {
      if (!compact.c[k]) return;
      lines[mask] = decode(compact.c[k]);
      lines[mask].forEach(function (line) { line.forEach(function (p) { nyquist = Math.max(nyquist, frequency(compact, p[0])); }); });
    });
    nyquist = nyquist || 1;
    function x(f) { return left + (right - left) * f / nyquist; }
    function y(v) { return bottom - (bottom - top) * (v + 0.05) / 1.1; }
    var svg = svgEl("svg", {"class": big ? "fsc large" : "fsc", viewBox: "0 0 " + W + " " + H, role: "img"});
    var heading = svgEl("title", {});
    heading.textContent = "FSC of " + title;
    svg.appendChild(heading);
    svg.appendChild(svgEl("path", {"class": "axis", d: "M" + left + "," + top + "V" + bottom + "H" + right}));
    svg.appendChild(svgEl("path", {"class": "threshold", d: "M" + left + "," + y(THRESHOLD).toFixed(1) + "H" + right}));
    if (big) {
      var step = nyquist > 0.4 ? 0.1 : nyquist > 0.15 ? 0.05 : 0.02;
      for (var f = 0; f <= nyquist + 1e-9; f += step) {
        svg.appendChild(svgEl("path", {"class": "axis", d: "M" + x(f).toFixed(1) + "," + bottom + "v6"}));
        var tick = svgEl("text", {"class": "tick", x: x(f).toFixed(1), y: bottom + 24, "text-anchor": "middle"});
        tick.textContent = +f.toFixed(3);
        svg.appendChild(tick);
      }
      [0, 0.5, 1].forEach(function (v) {
        svg.appendChild(svgEl("path", {"class": "axis", d: "M" + (left - 6) + "," + y(v).toFixed(1) + "h6"}));
        var tick = svgEl("text", {"class": "tick", x: left - 10, y: (y(v) + 6).toFixed(1), "text-anchor": "end"});
        tick.textContent = v;
        svg.appendChild(tick);
      });
      var xLabel = svgEl("text", {"class": "label", x: (left + right) / 2, y: H - 10, "text-anchor": "middle"});
      xLabel.textContent = "Spatial frequency (1/\u00c5)";
      svg.appendChild(xLabel);
      var yLabel = svgEl("text", {"class": "label", transform: "translate(18 " + (top + bottom) / 2 + ") rotate(-90)", "text-anchor": "middle"});
      yLabel.textContent = "FSC";
      svg.appendChild(yLabel);
    }
    var group = svgEl("g", {"class": "curves"}), keyY = bottom - 10;
    MASKS.forEach(function (mask) {
      if (!lines[mask]) return;
      var d = lines[mask].map(function (line) {
        return "M" + line.map(function (p) { return x(frequency(compact, p[0])).toFixed(1) + " " + y(p[1]).toFixed(1); }).join("L");
      }).join("");
      group.appendChild(svgEl("path", {"class": "curve " + mask, d: d}));
    });
    svg.appendChild(group);
    if (big) {
      MASKS.slice().reverse().forEach(function (mask) {
        if (!lines[mask]) return;
        var resolution = compact.r[MASKS.indexOf(mask)];
        if (resolution) svg.appendChild(svgEl("circle", {"class": "curve " + mask, cx: x(1 / resolution).toFixed(1), cy: y(THRESHOLD).toFixed(1), r: 5}));
        svg.appendChild(svgEl("path", {"class": "curve " + mask, d: "M" + (left + 14) + "," + (keyY - 6) + "h30"}));
        var key = svgEl("text", {"class": "key", x: left + 50, y: keyY});
        key.textContent = mask.replace("_", " ") + (resolution ? " " + resolution.toFixed(2) + " \u00c5" : "");
        svg.appendChild(key);
        keyY -= 26;
      });
    }
    return svg;
  }
  var MASK_COLOURS = {};  // the curves' colours, as the stylesheet gives them to the SVG plots
  MASKS.forEach(function (mask) {
    var probe = svgEl("path", {"class": "curve " + mask});
    var holder = svgEl("svg", {width: 0, height: 0});
    holder.appendChild(probe);
    document.body.appendChild(holder);
    MASK_COLOURS[mask] = getComputedStyle(probe).stroke;
    document.body.removeChild(holder);
  });
  function thumbnail(compact) {  // a small canvas: a page of rows draws a hundred of them at once
    var W = 90, H = 60, scale = window.devicePixelRatio || 1, canvas = el("canvas", "fsc");
    canvas.width = W * scale;
    canvas.height = H * scale;
    var context = canvas.getContext("2d"), nyquist = 0, lines = {};
    context.scale(scale, scale);
    MASKS.forEach(function (mask, k) {
      if (!compact.c[k]) return;
      lines[mask] = decode(compact.c[k]);
      lines[mask].forEach(function (line) { line.forEach(function (p) { nyquist = Math.max(nyquist, frequency(compact, p[0])); }); });
    });
    nyquist = nyquist || 1;
    function x(f) { return 3 + (W - 6) * f / nyquist; }
    function y(v) { return H - 3 - (H - 6) * (v + 0.05) / 1.1; }
    context.strokeStyle = "#888";
    context.lineWidth = 0.6;
    context.setLineDash([2, 2]);
    context.beginPath();
    context.moveTo(3, y(THRESHOLD));
    context.lineTo(W - 3, y(THRESHOLD));
    context.stroke();
    context.setLineDash([]);
    context.lineWidth = 1.2;
    MASKS.forEach(function (mask) {
      if (!lines[mask]) return;
      context.strokeStyle = MASK_COLOURS[mask];
      context.beginPath();
      lines[mask].forEach(function (line) {
        line.forEach(function (p, k) {
          var px = x(frequency(compact, p[0])), py = y(p[1]);
          if (k) context.lineTo(px, py); else context.moveTo(px, py);
        });
      });
      context.stroke();
    });
    return canvas;
  }
  function enlarge(i) {
    content.textContent = "";
    var title = maps[i][field.title];
    content.appendChild(el("h3", "", label(i) + (title ? " " + title : "")));
    content.appendChild(fscPlot(data.curves[i], true, label(i)));
    viewer.hidden = false;
  }
  viewer.addEventListener("click", function (event) {
    if (event.target === viewer || event.target.closest("button.close")) viewer.hidden = true;
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") viewer.hidden = true;
  });
  refilter();
  performance.mark("csx-table");  // the first page of rows is drawn (the benchmark times it)
})();
