// Progressive enhancement for the map: layer switches act at once, and the map pans and zooms
// with the mouse (the wheel with Ctrl or after a click), two fingers and the keyboard by
// following the same links the page already offers without JavaScript.
(function () {
  "use strict";
  // On the report form, a click on the small map fills in the coordinates.
  var pick = document.getElementById("pick-map");
  if (pick) {
    var pickSvg = pick.querySelector("svg");
    var box = (pickSvg && pickSvg.dataset.bbox || "").split(",").map(parseFloat);
    pickSvg.addEventListener("click", function (event) {
      var rect = pickSvg.getBoundingClientRect();
      var lon = box[0] + (event.clientX - rect.left) / rect.width * (box[2] - box[0]);
      var lat = box[3] - (event.clientY - rect.top) / rect.height * (box[3] - box[1]);
      document.getElementById("lat").value = lat.toFixed(4);
      document.getElementById("lon").value = lon.toFixed(4);
    });
  }
})();

(function () {
  "use strict";
  var figure = document.getElementById("map");
  if (!figure) { return; }
  var svg = figure.querySelector("svg");
  document.querySelectorAll("input[data-layer]").forEach(function (box) {
    box.addEventListener("change", function () {
      var group = svg && svg.querySelector("#layer-" + box.dataset.layer);
      if (group) { group.style.display = box.checked ? "" : "none"; }
      // The layer's names are drawn with the other names, on top.
      var names = { besieged: ".besieged-name", admin: ".gov" }[box.dataset.layer];
      if (svg && names) {
        svg.querySelectorAll("#layer-labels " + names).forEach(function (name) {
          name.style.display = box.checked ? "" : "none";
        });
      }
    });
  });
  var lon = parseFloat(figure.dataset.lon), lat = parseFloat(figure.dataset.lat), zoom = parseFloat(figure.dataset.zoom);
  var bbox = (svg && svg.dataset.bbox || "").split(",").map(parseFloat);
  function go(newLon, newLat, newZoom) {
    var url = new URL(window.location.href);
    url.pathname = "/map";
    // A cluster's box has been followed: the centre and zoom say where to go now.
    url.searchParams.delete("bbox");
    url.searchParams.set("lon", newLon.toFixed(3));
    url.searchParams.set("lat", newLat.toFixed(3));
    url.searchParams.set("zoom", String(Math.min(64, Math.max(1, newZoom))));
    window.location.href = url.toString();
  }
  function toLonLat(clientX, clientY) {
    var box = svg.getBoundingClientRect();
    var fx = (clientX - box.left) / box.width, fy = (clientY - box.top) / box.height;
    return [bbox[0] + fx * (bbox[2] - bbox[0]), bbox[3] - fy * (bbox[3] - bbox[1])];
  }
  figure.tabIndex = 0;
  // The wheel zooms only with Ctrl held, or once the map has been clicked (until the pointer
  // leaves it): a page scrolled past the map must not re-centre it.
  var engaged = false;
  figure.addEventListener("click", function () { engaged = true; });
  figure.addEventListener("mouseleave", function () { engaged = false; });
  figure.addEventListener("wheel", function (event) {
    if (!event.ctrlKey && !engaged) {
      figure.classList.add("hinted");
      return;
    }
    event.preventDefault();
    var point = toLonLat(event.clientX, event.clientY);
    go(point[0], point[1], event.deltaY < 0 ? zoom * 2 : zoom / 2);
  }, { passive: false });
  // A mouse drags the map; on a touch screen one finger scrolls the page and two move the map.
  var start = null;
  figure.addEventListener("pointerdown", function (event) {
    start = event.pointerType === "mouse" ? [event.clientX, event.clientY] : null;
  });
  figure.addEventListener("pointerup", function (event) {
    if (!start) { return; }
    var dx = event.clientX - start[0], dy = event.clientY - start[1];
    start = null;
    if (Math.abs(dx) + Math.abs(dy) < 8) { return; }
    pan(dx, dy);
  });
  function pan(dx, dy) {
    var a = toLonLat(0, 0), b = toLonLat(dx, dy);
    go(lon - (b[0] - a[0]), lat - (b[1] - a[1]), zoom);
  }
  function middle(touches) {
    return [(touches[0].clientX + touches[1].clientX) / 2, (touches[0].clientY + touches[1].clientY) / 2];
  }
  var twoFingers = null, lastMiddle = null;
  figure.addEventListener("touchcancel", function () { twoFingers = null; });
  figure.addEventListener("touchstart", function (event) {
    if (event.touches.length !== 2) { twoFingers = null; }
    if (event.touches.length === 2) {
      twoFingers = middle(event.touches);
      lastMiddle = twoFingers;
    } else if (event.touches.length === 1) {
      figure.classList.add("hinted");
    }
  }, { passive: true });
  figure.addEventListener("touchmove", function (event) {
    if (twoFingers && event.touches.length === 2) {
      event.preventDefault();
      lastMiddle = middle(event.touches);
    }
  }, { passive: false });
  figure.addEventListener("touchend", function () {
    if (!twoFingers) { return; }
    var dx = lastMiddle[0] - twoFingers[0], dy = lastMiddle[1] - twoFingers[1];
    twoFingers = null;
    if (Math.abs(dx) + Math.abs(dy) >= 8) { pan(dx, dy); }
  });
  figure.addEventListener("keydown", function (event) {
    var step = 1.5 / zoom;
    var keys = { "+": [0, 0, 2], "=": [0, 0, 2], "-": [0, 0, 0.5], ArrowUp: [0, step, 1], ArrowDown: [0, -step, 1], ArrowLeft: [-step, 0, 1], ArrowRight: [step, 0, 1] };
    var move = keys[event.key];
    if (!move) { return; }
    event.preventDefault();
    go(lon + move[0], lat + move[1], zoom * move[2]);
  });
})();
