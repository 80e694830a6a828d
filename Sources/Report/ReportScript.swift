/// The report's stylesheet and script, inlined into every page.
enum ReportAssets {
    /// Draws the timeline, latency and throughput canvases from the page's `run-data` JSON, with
    /// pan and zoom. Any script error is written into `#script-errors` (and the body gets
    /// `data-script-error`), so a headless browser's DOM dump shows it; a finished render sets
    /// `data-rendered="yes"` on the body.
    static let script = #"""
    (function () {
      'use strict';
      var errors = document.getElementById('script-errors');
      function report(message) {
        errors.hidden = false;
        errors.textContent += 'Script error: ' + message + '\n';
        document.body.setAttribute('data-script-error', 'yes');
      }
      window.addEventListener('error', function (e) { report(e.message + ' (line ' + e.lineno + ')'); });
      var D = JSON.parse(document.getElementById('run-data').textContent);
      var N = D.start.length, END = Math.max(D.end, 1);
      var COLORS = ['#2f9e5b', '#e09a2b', '#8d62d6'], CX = '#d7263d';
      var LEADER_COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#9c755f', '#bab0ac', '#e15759'];
      var inCx = new Uint8Array(N);
      D.counterexample.forEach(function (i) { inCx[i] = 1; });
      var view = { a: 0, b: END };
      function opEnd(i) { return D.duration[i] < 0 ? END : D.start[i] + D.duration[i]; }

      /* Per lane, the operations in order of invocation (for hovering). */
      var byLane = [];
      for (var l = 0; l < D.lanes; l++) byLane.push([]);
      for (var i = 0; i < N; i++) byLane[D.lane[i]].push(i);

      var leaderNames = [];
      D.leaders.forEach(function (s) { if (s[1] !== null && leaderNames.indexOf(s[1]) < 0) leaderNames.push(s[1]); });
      leaderNames.sort();
      function leaderColor(name) { return name === null ? '#d9dde3' : LEADER_COLORS[leaderNames.indexOf(name) % LEADER_COLORS.length]; }

      function setup(canvas) {
        var ratio = window.devicePixelRatio || 1;
        var w = canvas.clientWidth || 800, h = canvas.height / (canvas._ratio || 1);
        canvas._ratio = ratio;
        canvas.width = Math.round(w * ratio);
        canvas.height = Math.round(h * ratio);
        canvas.style.height = h + 'px';
        var ctx = canvas.getContext('2d');
        ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
        ctx.clearRect(0, 0, w, h);
        return { ctx: ctx, w: w, h: h };
      }
      var LEFT = 54, RIGHT = 10;
      function xOf(t, w) { return LEFT + (t - view.a) / (view.b - view.a) * (w - LEFT - RIGHT); }
      function tOf(x, w) { return view.a + (x - LEFT) / (w - LEFT - RIGHT) * (view.b - view.a); }

      function niceStep(span, count) {
        var raw = span / count, p = Math.pow(10, Math.floor(Math.log10(raw))), m = raw / p;
        return p * (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10);
      }
      function axis(c, y0, y1) {
        var step = niceStep(view.b - view.a, 10), ctx = c.ctx;
        ctx.fillStyle = '#6b7482'; ctx.strokeStyle = '#eef0f3'; ctx.font = '11px sans-serif'; ctx.textAlign = 'center';
        for (var t = Math.ceil(view.a / step) * step; t <= view.b; t += step) {
          var x = xOf(t, c.w);
          ctx.beginPath(); ctx.moveTo(x, y0); ctx.lineTo(x, y1); ctx.stroke();
          ctx.fillText(fmtSeconds(t, step), x, y1 + 12);
        }
      }
      function fmtSeconds(us, step) {
        var digits = step >= 1e6 ? 0 : step >= 1e5 ? 1 : step >= 1e4 ? 2 : 3;
        return (us / 1e6).toFixed(digits) + ' s';
      }
      function shadeFaults(c, y0, y1, labels) {
        var ctx = c.ctx;
        D.faults.forEach(function (f) {
          var x0 = Math.max(xOf(f[0], c.w), LEFT), x1 = Math.min(xOf(f[1], c.w), c.w - RIGHT);
          if (x1 <= x0) return;
          ctx.fillStyle = f[3] ? (labels ? 'rgba(215,38,61,0.35)' : 'rgba(215,38,61,0.16)') : 'rgba(120,120,120,0.16)';
          ctx.fillRect(x0, y0, x1 - x0, y1 - y0);
          if (labels && x1 - x0 > 40) {
            ctx.fillStyle = '#7a0f1f'; ctx.font = '10px sans-serif'; ctx.textAlign = 'left';
            ctx.fillText(f[2] + (f[3] ? '' : ' (not in effect)'), x0 + 3, y0 + 9, x1 - x0 - 6);
          }
        });
      }

      var timeline = document.getElementById('timeline');
      /* With membership changes, a members band under the leader band pushes the fault strip and lanes down. */
      var MEMBERS = D.members.length > 0, FULL = 0;
      D.members.forEach(function (m) { FULL = Math.max(FULL, m[1].length); });
      var BAND = 14, STRIP = MEMBERS ? 38 : 20, TOP = STRIP + 14, BOTTOM = 18;
      (function sizeTimeline() {
        var want = Math.min(Math.max(D.lanes * 16 + TOP + BOTTOM, 160), 640);
        timeline.height = want; timeline.style.height = want + 'px'; timeline._ratio = 1;
      })();
      function laneHeight(c) { return (c.h - TOP - BOTTOM) / Math.max(D.lanes, 1); }

      function drawTimeline() {
        var c = setup(timeline), ctx = c.ctx, lh = laneHeight(c), gap = lh > 6 ? 2 : 0;
        axis(c, TOP, c.h - BOTTOM);
        ctx.font = '10px sans-serif'; ctx.textAlign = 'right'; ctx.fillStyle = '#6b7482';
        if (lh >= 9) for (var l = 0; l < D.lanes; l++) ctx.fillText('w' + l, LEFT - 6, TOP + l * lh + lh / 2 + 3);
        var minW = 1;
        for (var k = 0; k < 3; k++) {
          ctx.beginPath();
          for (var i = 0; i < N; i++) {
            if ((D.code[i] & 3) !== k) continue;
            var s = D.start[i], e = opEnd(i);
            if (e < view.a || s > view.b) continue;
            var x0 = Math.max(xOf(s, c.w), LEFT), x1 = Math.min(xOf(e, c.w), c.w - RIGHT);
            ctx.rect(x0, TOP + D.lane[i] * lh + gap / 2, Math.max(x1 - x0, minW), Math.max(lh - gap, 1));
          }
          ctx.fillStyle = COLORS[k]; ctx.fill();
        }
        /* The operations the counterexample names: always drawn, on top, at least 3 px wide. */
        D.counterexample.forEach(function (i) {
          var s = D.start[i], e = opEnd(i);
          if (e < view.a || s > view.b) return;
          var x0 = Math.max(xOf(s, c.w), LEFT), x1 = Math.min(xOf(e, c.w), c.w - RIGHT);
          var y = TOP + D.lane[i] * lh, h = Math.max(lh, 3);
          ctx.fillStyle = CX; ctx.fillRect(x0, y, Math.max(x1 - x0, 3), h);
          ctx.strokeStyle = '#000'; ctx.lineWidth = i === D.blocking ? 2.5 : 0.8;
          ctx.strokeRect(x0, y, Math.max(x1 - x0, 3), h);
        });
        ctx.lineWidth = 1;
        /* Faults over the bars (translucent), named in their own strip under the leader band. */
        shadeFaults(c, TOP, c.h - BOTTOM, false);
        shadeFaults(c, STRIP, STRIP + 12, true);
        ctx.fillStyle = '#6b7482'; ctx.font = '10px sans-serif'; ctx.textAlign = 'right';
        ctx.fillText('faults', LEFT - 6, STRIP + 10);
        drawLeaders(c);
        if (MEMBERS) drawMembers(c);
        document.getElementById('view-range').textContent = fmtSeconds(view.a, 1e3) + ' – ' + fmtSeconds(view.b, 1e3);
      }

      function drawLeaders(c) {
        var ctx = c.ctx, y = 4;
        ctx.font = '10px sans-serif'; ctx.textAlign = 'right'; ctx.fillStyle = '#6b7482';
        ctx.fillText('leader', LEFT - 6, y + 10);
        if (D.leaders.length === 0) {
          ctx.textAlign = 'left'; ctx.fillText('no leader samples stored for this run', LEFT + 4, y + 10);
          return;
        }
        for (var j = 0; j < D.leaders.length; j++) {
          var s = D.leaders[j][0], e = j + 1 < D.leaders.length ? D.leaders[j + 1][0] : END;
          if (e < view.a || s > view.b) continue;
          var x0 = Math.max(xOf(s, c.w), LEFT), x1 = Math.min(xOf(e, c.w), c.w - RIGHT);
          ctx.fillStyle = leaderColor(D.leaders[j][1]);
          ctx.fillRect(x0, y, Math.max(x1 - x0, 1), BAND);
          if (x1 - x0 > 24) {
            ctx.fillStyle = D.leaders[j][1] === null ? '#6b7482' : '#fff'; ctx.textAlign = 'left';
            ctx.fillText(D.leaders[j][1] === null ? 'none' : D.leaders[j][1], x0 + 3, y + 10, x1 - x0 - 4);
          }
        }
      }

      /* The members in effect after each change: green at full size, amber below it, named when wide enough. */
      function drawMembers(c) {
        var ctx = c.ctx, y = 21;
        ctx.font = '10px sans-serif'; ctx.textAlign = 'right'; ctx.fillStyle = '#6b7482';
        ctx.fillText('members', LEFT - 6, y + 10);
        for (var j = 0; j < D.members.length; j++) {
          var s = D.members[j][0], e = j + 1 < D.members.length ? D.members[j + 1][0] : END;
          if (e < view.a || s > view.b) continue;
          var x0 = Math.max(xOf(s, c.w), LEFT), x1 = Math.min(xOf(e, c.w), c.w - RIGHT), names = D.members[j][1];
          ctx.fillStyle = names.length < FULL ? '#f4c27a' : '#b9dcc0';
          ctx.fillRect(x0, y, Math.max(x1 - x0, 1), BAND);
          ctx.strokeStyle = '#fff'; ctx.strokeRect(x0, y, Math.max(x1 - x0, 1), BAND);
          if (x1 - x0 > 16) {
            ctx.fillStyle = '#333'; ctx.textAlign = 'left';
            ctx.fillText(names.length + ': ' + names.join(','), x0 + 3, y + 10, x1 - x0 - 4);
          }
        }
      }

      var latency = document.getElementById('latency');
      function drawLatency() {
        var c = setup(latency), ctx = c.ctx, top = 8, bottom = c.h - BOTTOM;
        var lo = 0.1, hi = 1;
        for (var i = 0; i < N; i++) if (D.duration[i] >= 0) hi = Math.max(hi, D.duration[i] / 1000);
        var l0 = Math.log10(lo), l1 = Math.log10(hi) + 0.05;
        function yOf(ms) { return bottom - (Math.log10(Math.max(ms, lo)) - l0) / (l1 - l0) * (bottom - top); }
        axis(c, top, bottom);
        shadeFaults(c, top, bottom, false);
        ctx.fillStyle = '#6b7482'; ctx.textAlign = 'right'; ctx.font = '10px sans-serif';
        for (var d = Math.ceil(l0); d <= l1; d++) {
          var y = yOf(Math.pow(10, d));
          ctx.fillText(Math.pow(10, d) + ' ms', LEFT - 4, y + 3);
          ctx.strokeStyle = '#eef0f3'; ctx.beginPath(); ctx.moveTo(LEFT, y); ctx.lineTo(c.w - RIGHT, y); ctx.stroke();
        }
        for (var k = 0; k < 3; k++) {
          ctx.beginPath();
          for (i = 0; i < N; i++) {
            if ((D.code[i] & 3) !== k || D.duration[i] < 0 || D.start[i] < view.a || D.start[i] > view.b) continue;
            ctx.rect(xOf(D.start[i], c.w) - 1, yOf(D.duration[i] / 1000) - 1, 2, 2);
          }
          ctx.fillStyle = COLORS[k]; ctx.fill();
        }
        quantileLines(c, yOf);
      }
      function quantileLines(c, yOf) {
        var buckets = 80, width = (view.b - view.a) / buckets, lists = [];
        for (var b = 0; b < buckets; b++) lists.push([]);
        for (var i = 0; i < N; i++) {
          if ((D.code[i] & 3) !== 0 || D.duration[i] < 0 || D.start[i] < view.a || D.start[i] >= view.b) continue;
          lists[Math.floor((D.start[i] - view.a) / width)].push(D.duration[i] / 1000);
        }
        [[0.5, '#1d2430', 'p50'], [0.99, '#d7263d', 'p99']].forEach(function (q) {
          var ctx = c.ctx; ctx.strokeStyle = q[1]; ctx.lineWidth = 1.5; ctx.beginPath();
          var started = false;
          lists.forEach(function (list, b) {
            if (list.length === 0) { started = false; return; }
            list.sort(function (x, y) { return x - y; });
            var v = list[Math.min(list.length - 1, Math.floor(q[0] * list.length))];
            var x = xOf(view.a + (b + 0.5) * width, c.w), y = yOf(v);
            if (started) ctx.lineTo(x, y); else ctx.moveTo(x, y);
            started = true;
          });
          ctx.stroke(); ctx.lineWidth = 1;
          ctx.fillStyle = q[1]; ctx.textAlign = 'left'; ctx.fillText(q[2], c.w - RIGHT - 30, q[0] === 0.5 ? 20 : 32);
        });
      }

      var throughput = document.getElementById('throughput');
      function drawThroughput() {
        var c = setup(throughput), ctx = c.ctx, top = 8, bottom = c.h - BOTTOM;
        var buckets = Math.max(10, Math.min(200, Math.floor((c.w - LEFT) / 6)));
        var width = (view.b - view.a) / buckets, counts = [[], [], []];
        for (var k = 0; k < 3; k++) for (var b = 0; b < buckets; b++) counts[k].push(0);
        for (var i = 0; i < N; i++) {
          if (D.duration[i] < 0) continue;
          var e = D.start[i] + D.duration[i];
          if (e < view.a || e >= view.b) continue;
          counts[D.code[i] & 3][Math.floor((e - view.a) / width)]++;
        }
        var perSecond = 1e6 / width, max = 1;
        for (b = 0; b < buckets; b++) max = Math.max(max, (counts[0][b] + counts[1][b] + counts[2][b]) * perSecond);
        axis(c, top, bottom);
        shadeFaults(c, top, bottom, false);
        function yOf(v) { return bottom - v / max * (bottom - top); }
        ctx.fillStyle = '#6b7482'; ctx.textAlign = 'right'; ctx.font = '10px sans-serif';
        var step = niceStep(max, 4);
        for (var v = 0; v <= max; v += step) ctx.fillText(Math.round(v) + '/s', LEFT - 4, yOf(v) + 3);
        for (b = 0; b < buckets; b++) {
          var x = xOf(view.a + b * width, c.w), w = Math.max(xOf(view.a + (b + 1) * width, c.w) - x - 1, 1), base = 0;
          for (k = 0; k < 3; k++) {
            var h = counts[k][b] * perSecond;
            if (h === 0) continue;
            ctx.fillStyle = COLORS[k];
            ctx.fillRect(x, yOf(base + h), w, yOf(base) - yOf(base + h));
            base += h;
          }
        }
      }

      var pending = false;
      function redraw() {
        if (pending) return;
        pending = true;
        window.requestAnimationFrame(function () { pending = false; drawAll(); });
      }
      function drawAll() { drawTimeline(); drawLatency(); drawThroughput(); }
      function zoom(factor, center) {
        var span = Math.min(Math.max((view.b - view.a) * factor, 50), END * 1.05);
        var c = center === undefined ? (view.a + view.b) / 2 : center;
        var left = (c - view.a) / (view.b - view.a);
        view.a = c - span * left; view.b = view.a + span;
        clampView(); redraw();
      }
      function clampView() {
        var span = view.b - view.a;
        if (view.a < -span * 0.02) { view.a = -span * 0.02; view.b = view.a + span; }
        if (view.b > END + span * 0.02) { view.b = END + span * 0.02; view.a = view.b - span; }
      }
      function showCounterexample() {
        if (D.counterexample.length === 0) return;
        var a = Infinity, b = -Infinity;
        D.counterexample.forEach(function (i) { a = Math.min(a, D.start[i]); b = Math.max(b, opEnd(i)); });
        var pad = Math.max((b - a) * 0.05, 1000);
        view.a = a - pad; view.b = b + pad; clampView(); redraw();
      }
      document.querySelectorAll('button[data-zoom]').forEach(function (button) {
        button.addEventListener('click', function () {
          var z = button.getAttribute('data-zoom');
          if (z === 'in') zoom(0.5); else if (z === 'out') zoom(2);
          else if (z === 'reset') { view.a = 0; view.b = END; redraw(); } else showCounterexample();
        });
      });
      [timeline, latency, throughput].forEach(function (canvas) {
        canvas.addEventListener('wheel', function (e) {
          e.preventDefault();
          var rect = canvas.getBoundingClientRect();
          zoom(e.deltaY > 0 ? 1.25 : 0.8, tOf(e.clientX - rect.left, rect.width));
        }, { passive: false });
        var drag = null;
        canvas.addEventListener('mousedown', function (e) { drag = { x: e.clientX, a: view.a, b: view.b, w: canvas.getBoundingClientRect().width }; });
        window.addEventListener('mouseup', function () { drag = null; });
        window.addEventListener('mousemove', function (e) {
          if (!drag) return;
          var dt = (e.clientX - drag.x) / (drag.w - LEFT - RIGHT) * (drag.b - drag.a);
          view.a = drag.a - dt; view.b = drag.b - dt; clampView(); redraw();
        });
      });

      var tooltip = document.getElementById('tooltip');
      timeline.addEventListener('mousemove', function (e) {
        var rect = timeline.getBoundingClientRect(), x = e.clientX - rect.left, y = e.clientY - rect.top;
        var lh = (rect.height - TOP - BOTTOM) / Math.max(D.lanes, 1), lane = Math.floor((y - TOP) / lh);
        var found = -1;
        if (lane >= 0 && lane < D.lanes) {
          var t = tOf(x, rect.width), tol = 3 / (rect.width - LEFT - RIGHT) * (view.b - view.a), list = byLane[lane];
          var lo = 0, hi = list.length - 1;
          while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (D.start[list[mid]] <= t + tol) lo = mid; else hi = mid - 1; }
          for (var j = lo; j >= 0 && j > lo - 8; j--) {
            var i = list[j];
            if (D.start[i] <= t + tol && opEnd(i) >= t - tol) { found = i; break; }
          }
        }
        if (found < 0) { tooltip.hidden = true; return; }
        var outcome = ['ok', 'fail', 'info'][D.code[found] & 3];
        tooltip.textContent = 'process ' + D.process[found] + ' · ' + D.functions[D.code[found] >> 2] + ' · ' + outcome
          + ' · at ' + (D.start[found] / 1e6).toFixed(3) + ' s'
          + (D.duration[found] >= 0 ? ' · ' + (D.duration[found] / 1000).toFixed(1) + ' ms' : ' · never completed')
          + (inCx[found] ? ' · in the counterexample' : '');
        tooltip.hidden = false;
        tooltip.style.left = Math.min(x + 12, rect.width - 300) + 'px';
        tooltip.style.top = (y + 14) + 'px';
      });
      timeline.addEventListener('mouseleave', function () { tooltip.hidden = true; });

      var legend = document.getElementById('leader-legend');
      leaderNames.concat(D.leaders.some(function (s) { return s[1] === null; }) ? [null] : []).forEach(function (name) {
        var item = document.createElement('span'), swatch = document.createElement('i');
        swatch.style.background = leaderColor(name);
        item.appendChild(swatch);
        item.appendChild(document.createTextNode(name === null ? 'no leader' : 'leader ' + name));
        legend.appendChild(item);
      });
      window.addEventListener('resize', redraw);
      window.addEventListener('beforeprint', drawAll);
      drawAll();
      document.body.setAttribute('data-rendered', 'yes');
    })();
    """#
}
